package io.gatehouse.apikey;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** Wraps a store, counting every call and failing on demand (the database "down"). */
final class CountingStore implements TokenStore {
  final TokenStore delegate;
  final AtomicInteger reads = new AtomicInteger();
  final AtomicInteger writes = new AtomicInteger();
  final AtomicInteger lastUsedWrites = new AtomicInteger();
  volatile boolean down;
  private final ChangeFeed feed;

  CountingStore(TokenStore delegate) {
    this(delegate, delegate.changes());
  }

  /** Subscribers hear {@code feed} only: the delegate's own changes can be "missed" on purpose. */
  CountingStore(TokenStore delegate, ChangeFeed feed) {
    this.delegate = delegate;
    this.feed = feed;
  }

  int calls() {
    return reads.get() + writes.get() + lastUsedWrites.get();
  }

  private void checkUp() {
    if (down) {
      throw new TokenStoreException("store is down (test)");
    }
  }

  @Override
  public Optional<TokenRecord> findById(String id) {
    reads.incrementAndGet();
    checkUp();
    return delegate.findById(id);
  }

  @Override
  public Optional<TokenRecord> findByHash(TokenHash hash) {
    reads.incrementAndGet();
    checkUp();
    return delegate.findByHash(hash);
  }

  @Override
  public List<TokenRecord> list(String space) {
    reads.incrementAndGet();
    checkUp();
    return delegate.list(space);
  }

  @Override
  public boolean insert(TokenRecord record) {
    writes.incrementAndGet();
    checkUp();
    return delegate.insert(record);
  }

  @Override
  public boolean replace(TokenRecord expected, TokenRecord replacement) {
    writes.incrementAndGet();
    checkUp();
    return delegate.replace(expected, replacement);
  }

  @Override
  public boolean revoke(String id, Instant at) {
    writes.incrementAndGet();
    checkUp();
    return delegate.revoke(id, at);
  }

  @Override
  public void recordLastUsed(Map<String, Instant> lastUsed) {
    lastUsedWrites.incrementAndGet();
    checkUp();
    delegate.recordLastUsed(lastUsed);
  }

  @Override
  public ChangeFeed changes() {
    return feed;
  }

  @Override
  public void close() {
    delegate.close();
  }
}
