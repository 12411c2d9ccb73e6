package io.gatehouse.apikey;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The in-process half of every feed: subscriptions and their isolated delivery. */
class LocalChangeFeed implements ChangeFeed {
  private static final Logger LOG = LoggerFactory.getLogger(ChangeFeed.class);

  private final List<Registration> registrations = new CopyOnWriteArrayList<>();

  @Override
  public Subscription subscribe(String topic, Consumer<Change> listener) {
    Registration registration = new Registration(topic, listener);
    registrations.add(registration);
    return () -> registrations.remove(registration);
  }

  /** Delivers locally only; shared stores override this to reach the other instances. */
  @Override
  public void publish(String topic, String key) {
    deliver(new Change(topic, key));
  }

  /** The topics someone subscribed to. */
  Set<String> topics() {
    Set<String> topics = new TreeSet<>();
    for (Registration registration : registrations) {
      topics.add(registration.topic);
    }
    return topics;
  }

  /** Calls every subscriber of the change's topic; one that throws does not stop the others. */
  void deliver(Change change) {
    for (Registration registration : registrations) {
      if (registration.topic.equals(change.topic())) {
        try {
          registration.listener.accept(change);
        } catch (RuntimeException e) {
          LOG.warn("change listener for topic {} failed; ignored", change.topic(), e);
        }
      }
    }
  }

  /** Identity-compared, so that two equal subscriptions can be removed one at a time. */
  private static final class Registration {
    final String topic;
    final Consumer<Change> listener;

    Registration(String topic, Consumer<Change> listener) {
      this.topic = topic;
      this.listener = listener;
    }
  }
}
