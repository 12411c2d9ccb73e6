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

  CountingStore(TokenStore delegate) {
    this.delegate = delegate;
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
    return delegate.changes();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
