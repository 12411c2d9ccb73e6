package io.gatehouse.apikey;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;

/** An I/O executor that runs nothing until the test says so: what ran where is then certain. */
final class ManualExecutor implements Executor {
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();

  @Override
  public void execute(Runnable task) {
    tasks.add(task);
  }

  int pending() {
    return tasks.size();
  }

  /** Runs queued tasks, and those they queue, until none is left. */
  void runAll() {
    for (Runnable task = tasks.poll(); task != null; task = tasks.poll()) {
      task.run();
    }
  }
}
