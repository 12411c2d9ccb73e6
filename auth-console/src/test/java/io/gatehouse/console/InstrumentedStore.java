package io.gatehouse.console;

import io.gatehouse.apikey.ChangeFeed;
import io.gatehouse.apikey.TokenStore;
import io.gatehouse.apikey.TokenStoreException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * A real token store with three test seams: it counts record reads ({@code findById}, {@code
 * findByHash}), its change feed can miss events (as a listener that was disconnected would), and it
 * can be made to fail every call (as a database outage would). Built as a dynamic proxy so it
 * follows the {@link TokenStore} interface as that grows.
 */
final class InstrumentedStore {
  private final TokenStore real;
  private final AtomicInteger reads = new AtomicInteger();
  private final AtomicBoolean delivering = new AtomicBoolean(true);
  private final AtomicBoolean down = new AtomicBoolean();
  private final TokenStore store;
  private final Map<Thread, AtomicInteger> readsByThread = new ConcurrentHashMap<>();
  private final AtomicReference<Runnable> afterNextRead = new AtomicReference<>();
  private volatile Runnable beforeEachRead = () -> {};

  InstrumentedStore(TokenStore real) {
    this.real = real;
    this.store =
        (TokenStore)
            Proxy.newProxyInstance(
                TokenStore.class.getClassLoader(),
                new Class<?>[] {TokenStore.class},
                (proxy, method, args) -> {
                  String name = method.getName();
                  if (name.equals("changes")) {
                    return feed;
                  }
                  if (name.equals("close")) {
                    real.close();
                    return null;
                  }
                  if (down.get()) {
                    throw new TokenStoreException("the test store is down");
                  }
                  boolean read = name.equals("findById") || name.equals("findByHash");
                  if (read) {
                    reads.incrementAndGet();
                    readsByThread
                        .computeIfAbsent(Thread.currentThread(), thread -> new AtomicInteger())
                        .incrementAndGet();
                    beforeEachRead.run();
                  }
                  Object result;
                  try {
                    result = method.invoke(real, args);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                  Runnable after = read ? afterNextRead.getAndSet(null) : null;
                  if (after != null) {
                    after.run();
                  }
                  return result;
                });
  }

  /** How many record reads the calling thread has made. */
  int readsOnThisThread() {
    AtomicInteger count = readsByThread.get(Thread.currentThread());
    return count == null ? 0 : count.get();
  }

  /** Runs {@code hook} before every record read, on the reading thread. */
  void beforeEachRead(Runnable hook) {
    beforeEachRead = hook;
  }

  /** Runs {@code hook} once, right after the next record read has returned, on its thread. */
  void afterNextRead(Runnable hook) {
    afterNextRead.set(hook);
  }

  /** The instrumented store. */
  TokenStore store() {
    return store;
  }

  int reads() {
    return reads.get();
  }

  /** While false, changes are published but never reach this store's subscribers. */
  void deliverChanges(boolean deliver) {
    delivering.set(deliver);
  }

  void down(boolean isDown) {
    down.set(isDown);
  }

  private final ChangeFeed feed =
      new ChangeFeed() {
        @Override
        public Subscription subscribe(String topic, Consumer<Change> listener) {
          return real.changes()
              .subscribe(
                  topic,
                  change -> {
                    if (delivering.get()) {
                      listener.accept(change);
                    }
                  });
        }

        @Override
        public void publish(String topic, String key) {
          real.changes().publish(topic, key);
        }
      };
}
