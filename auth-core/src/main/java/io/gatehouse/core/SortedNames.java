package io.gatehouse.core;

import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * An immutable set of strings in their natural order, each once, on a sorted array: the form an
 * {@link Identity} keeps its permissions in. Owned by this package, so an identity holds one
 * without copying it; any other set is copied into one.
 */
final class SortedNames extends AbstractSet<String> {
  static final SortedNames EMPTY = new SortedNames(new String[0]);

  private final String[] names;

  private SortedNames(String[] names) {
    this.names = names;
  }

  /** {@code names} as one of these: itself when it already is one, else a sorted copy. */
  static SortedNames of(Collection<String> names) {
    if (names instanceof SortedNames sorted) {
      return sorted;
    }
    if (names.isEmpty()) {
      return EMPTY;
    }
    String[] array = names.toArray(new String[names.size()]);
    for (String name : array) {
      // As a TreeSet: a null name is refused.
      Objects.requireNonNull(name, "permission");
    }
    Arrays.sort(array);
    int distinct = 0;
    for (int i = 0; i < array.length; i++) {
      if (distinct == 0 || !array[distinct - 1].equals(array[i])) {
        array[distinct++] = array[i];
      }
    }
    return new SortedNames(distinct == array.length ? array : Arrays.copyOf(array, distinct));
  }

  @Override
  public boolean contains(Object o) {
    return o instanceof String name && Arrays.binarySearch(names, name) >= 0;
  }

  @Override
  public int size() {
    return names.length;
  }

  @Override
  public Iterator<String> iterator() {
    return new Iterator<>() {
      private int next;

      @Override
      public boolean hasNext() {
        return next < names.length;
      }

      @Override
      public String next() {
        if (next >= names.length) {
          throw new NoSuchElementException();
        }
        return names[next++];
      }
    };
  }
}
