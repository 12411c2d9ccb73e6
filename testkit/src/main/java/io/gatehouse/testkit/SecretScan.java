package io.gatehouse.testkit;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Builds every record of some packages from fixture values and reports where a secret shows: in
 * {@code toString()}, or in the message of an exception a constructor threw.
 *
 * <p>Every component gets its own marker value, a 48-character hex text (valid base64 of 36 bytes,
 * a valid space name), alone or inside the shapes a credential travels in ({@code Authorization:
 * Bearer <marker>}, {@code x-apikey: <marker>}). The markers of <em>secret components</em> (a name
 * with token, secret, password, credential, header, cookie or key in it, or {@link
 * #alsoSecret(String)}) must never show; other components (a name, a space) may. A record whose
 * constructor refuses the markers is retried with plainer values, the fewest changes first, so that
 * as many markers as possible are inside each instance that gets built.
 */
public final class SecretScan {
  private static final Pattern SECRET_NAME =
      Pattern.compile("(?i).*(token|secret|password|passwd|credential|header|cookie|apikey|key).*");
  private static final int MAX_ATTEMPTS = 4000;
  private static final int MAX_DEPTH = 3;

  private final Map<Class<?>, List<Object>> fixtures = new LinkedHashMap<>();
  private final Set<String> alsoSecret = new TreeSet<>();
  private final Set<String> notSecret = new TreeSet<>();
  private final Map<String, String> secretMarkers = new LinkedHashMap<>();
  private final Map<Class<?>, List<Object>> built = new LinkedHashMap<>();
  private final Map<Class<?>, String> unbuilt = new LinkedHashMap<>();
  private final List<String> leaks = new ArrayList<>();

  /** Extra values to try for components of type {@code type} (interfaces, builder-made types). */
  public <T> SecretScan fixture(Class<T> type, T value) {
    fixtures.computeIfAbsent(type, t -> new ArrayList<>()).add(value);
    return this;
  }

  /** Marks {@code Record#component} (simple binary name, e.g. {@code Outer$Opened#id}) secret. */
  public SecretScan alsoSecret(String component) {
    alsoSecret.add(component);
    return this;
  }

  /** Marks {@code Record#component} as not secret although its name says so (an id, a key name). */
  public SecretScan notSecret(String component) {
    notSecret.add(component);
    return this;
  }

  /**
   * The records of the packages starting with {@code prefix} found on the class path (main code).
   */
  public static List<Class<?>> recordsIn(String prefix) {
    Set<String> names = new TreeSet<>();
    String path = prefix.replace('.', '/');
    Pattern separator = Pattern.compile(Pattern.quote(java.io.File.pathSeparator));
    for (String entry : separator.splitAsStream(System.getProperty("java.class.path")).toList()) {
      if (entry.contains("test-classes") || entry.isBlank()) {
        continue;
      }
      Path root = Path.of(entry);
      try {
        if (Files.isDirectory(root)) {
          try (Stream<Path> files = Files.walk(root)) {
            files
                .map(f -> root.relativize(f).toString().replace(java.io.File.separatorChar, '/'))
                .filter(f -> f.startsWith(path) && f.endsWith(".class"))
                .forEach(names::add);
          }
        } else if (entry.endsWith(".jar") && Files.isRegularFile(root)) {
          try (JarFile jar = new JarFile(root.toFile())) {
            jar.stream()
                .map(java.util.jar.JarEntry::getName)
                .filter(f -> f.startsWith(path) && f.endsWith(".class"))
                .forEach(names::add);
          }
        }
      } catch (IOException e) {
        throw new IllegalStateException("cannot list " + entry, e);
      }
    }
    List<Class<?>> records = new ArrayList<>();
    for (String file : names) {
      String name = file.substring(0, file.length() - ".class".length()).replace('/', '.');
      if (name.endsWith("module-info") || name.endsWith("package-info")) {
        continue;
      }
      try {
        Class<?> type = Class.forName(name, false, SecretScan.class.getClassLoader());
        if (type.isRecord()) {
          records.add(type);
        }
      } catch (ClassNotFoundException | LinkageError e) {
        // A class whose optional dependency is absent cannot be built here anyway.
      }
    }
    return records;
  }

  /** Builds each record and checks its {@code toString()} and its constructors' exceptions. */
  public SecretScan scan(List<Class<?>> records) {
    for (Class<?> record : records) {
      List<Object> instances = build(record, 0);
      for (Object instance : instances) {
        String text;
        try {
          text = instance.toString();
        } catch (RuntimeException e) {
          continue; // fixtures the record's own code never makes (a null it relies on)
        }
        check(record.getName() + ".toString()", text);
      }
    }
    return this;
  }

  /** Checks {@code text} (a message, a log, an output) for any secret marker handed out so far. */
  public void check(String where, String text) {
    for (Map.Entry<String, String> marker : secretMarkers.entrySet()) {
      if (shows(text, marker.getValue())) {
        String shown = text.length() > 400 ? text.substring(0, 400) + "…" : text;
        leaks.add(where + " shows the secret of " + marker.getKey() + ": " + shown);
      }
    }
  }

  /** Checks an exception's message and its causes'. */
  public void check(String where, Throwable thrown) {
    int depth = 0;
    for (@Nullable Throwable t = thrown; t != null && depth < 10; t = t.getCause(), depth++) {
      check(where + " threw " + t.getClass().getName(), String.valueOf(t.getMessage()));
    }
  }

  /** Where a secret showed; empty when none did. */
  public List<String> leaks() {
    return List.copyOf(leaks);
  }

  /** The records built, with the instances made of each. */
  public Map<Class<?>, List<Object>> built() {
    return Map.copyOf(built);
  }

  /** The records no combination of fixture values could build, with the last refusal. */
  public Map<Class<?>, String> unbuilt() {
    return Map.copyOf(unbuilt);
  }

  /** The secret components seen, e.g. {@code io.gatehouse.admin.SpaceConfig$Issuer#secret}. */
  public Set<String> secretComponents() {
    return Set.copyOf(secretMarkers.keySet());
  }

  /** The marker of a component (what its fixtures carry), for tests that feed it elsewhere. */
  public static String marker(String component) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(component.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, 48);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /**
   * True when {@code text} shows more of {@code marker} than a redacted prefix: any 12 characters
   * of it past its first 8, as text or as the hex of the bytes it decodes to as base64.
   */
  public static boolean shows(String text, String marker) {
    for (int i = 8; i + 12 <= marker.length(); i += 4) {
      if (text.contains(marker.substring(i, i + 12))) {
        return true;
      }
    }
    String decodedHex = HexFormat.of().formatHex(Base64.getDecoder().decode(marker));
    return text.contains(decodedHex.substring(16, 40));
  }

  private List<Object> build(Class<?> record, int depth) {
    List<Object> done = built.get(record);
    if (done != null) {
      return done;
    }
    if (depth > MAX_DEPTH || unbuilt.containsKey(record)) {
      return List.of();
    }
    RecordComponent[] components = record.getRecordComponents();
    Class<?>[] types = new Class<?>[components.length];
    for (int i = 0; i < components.length; i++) {
      types[i] = components[i].getType();
    }
    Constructor<?> constructor;
    try {
      constructor = record.getDeclaredConstructor(types);
      constructor.setAccessible(true);
    } catch (NoSuchMethodException | RuntimeException e) {
      unbuilt.put(record, "no accessible canonical constructor: " + e);
      return List.of();
    }
    List<List<@Nullable Object>> options = new ArrayList<>();
    for (RecordComponent component : components) {
      String id = record.getName() + "#" + component.getName();
      boolean secret = isSecret(record, component);
      String marker = marker(id);
      if (secret) {
        secretMarkers.put(id, marker);
      }
      options.add(candidates(component.getGenericType(), marker, nullable(component), depth));
    }
    List<Object> instances = new ArrayList<>();
    String lastRefusal = "no combination tried";
    int attempts = 0;
    for (int[] choice : byFewestChanges(options)) {
      if (++attempts > MAX_ATTEMPTS || instances.size() >= 3) {
        break;
      }
      @Nullable Object[] args = new Object[components.length];
      for (int i = 0; i < args.length; i++) {
        args[i] = options.get(i).get(choice[i]);
      }
      try {
        instances.add(constructor.newInstance(args));
      } catch (InvocationTargetException e) {
        Throwable thrown = e.getCause();
        Throwable cause = thrown != null ? thrown : e;
        check(record.getName() + "(" + describe(args) + ")", cause);
        lastRefusal = String.valueOf(cause);
      } catch (ReflectiveOperationException | IllegalArgumentException e) {
        lastRefusal = String.valueOf(e);
      }
    }
    if (instances.isEmpty()) {
      unbuilt.put(record, lastRefusal);
      return List.of();
    }
    List<Object> made = List.copyOf(instances);
    built.put(record, made);
    return made;
  }

  private boolean isSecret(Class<?> record, RecordComponent component) {
    String simple = record.getName().substring(record.getName().lastIndexOf('.') + 1);
    String id = simple + "#" + component.getName();
    if (notSecret.contains(id)) {
      return false;
    }
    return alsoSecret.contains(id) || SECRET_NAME.matcher(component.getName()).matches();
  }

  private static boolean nullable(RecordComponent component) {
    return Arrays.stream(component.getAnnotatedType().getAnnotations())
        .anyMatch(a -> a.annotationType().getSimpleName().equals("Nullable"));
  }

  /** Candidate values, the marker-bearing ones first; null last when allowed. */
  private List<@Nullable Object> candidates(Type type, String marker, boolean nullable, int depth) {
    Class<?> raw = raw(type);
    List<@Nullable Object> out = new ArrayList<>(fixtures.getOrDefault(raw, List.of()));
    if (raw == String.class) {
      out.addAll(strings(marker));
    } else if (raw == byte[].class) {
      out.add(marker.getBytes(StandardCharsets.UTF_8));
      out.add(Base64.getDecoder().decode(marker));
    } else if (raw == char[].class) {
      out.add(marker.toCharArray());
    } else if (raw == boolean.class || raw == Boolean.class) {
      out.addAll(List.of(false, true));
    } else if (raw == int.class || raw == Integer.class) {
      out.addAll(List.of(1, 0, 200));
    } else if (raw == long.class || raw == Long.class) {
      out.addAll(List.of(1L, 0L, 1_000_000L));
    } else if (raw == double.class || raw == Double.class) {
      out.add(1.0);
    } else if (raw == Duration.class) {
      out.add(Duration.ofSeconds(30));
      out.add(Duration.ofHours(1));
    } else if (raw == Instant.class) {
      out.add(Instant.parse("2026-01-01T00:00:00Z"));
    } else if (raw == Path.class) {
      out.add(Path.of("/tmp/gatehouse-scan"));
    } else if (raw == URI.class) {
      out.add(URI.create("https://idp.example/" + marker));
      out.add(URI.create("https://idp.example/jwks.json"));
    } else if (raw == InetAddress.class) {
      out.add(InetAddress.getLoopbackAddress());
    } else if (raw == InetSocketAddress.class) {
      out.add(new InetSocketAddress(InetAddress.getLoopbackAddress(), 4000));
    } else if (raw == javax.crypto.SecretKey.class || raw == java.security.Key.class) {
      out.add(new SecretKeySpec(Base64.getDecoder().decode(marker), "HmacSHA256"));
    } else if (raw.isEnum()) {
      out.addAll(Arrays.asList(raw.getEnumConstants()));
    } else if (raw == List.class || raw == java.util.Collection.class) {
      for (Object element : present(candidates(argument(type, 0), marker, false, depth), 12)) {
        out.add(List.of(element));
      }
      out.add(List.of());
    } else if (raw == Set.class) {
      for (Object element : present(candidates(argument(type, 0), marker, false, depth), 12)) {
        out.add(Set.of(element));
      }
      out.add(Set.of());
    } else if (raw == Map.class) {
      List<Object> keys = new ArrayList<>();
      if (argument(type, 0) == String.class) {
        keys.add("GATEHOUSE_ADMINTOKEN");
        keys.add("authorization");
      }
      keys.addAll(present(candidates(argument(type, 0), marker, false, depth), 3));
      List<Object> values = present(candidates(argument(type, 1), marker, false, depth), 2);
      for (Object key : keys.subList(0, Math.min(3, keys.size()))) {
        for (Object value : values) {
          out.add(Map.of(key, value));
        }
      }
      out.add(Map.of());
    } else if (raw == Optional.class) {
      for (Object element : present(candidates(argument(type, 0), marker, false, depth), 2)) {
        out.add(Optional.of(element));
      }
      out.add(Optional.empty());
    } else if (raw.isRecord()) {
      out.addAll(build(raw, depth + 1));
    }
    if (nullable || (!raw.isPrimitive() && out.isEmpty())) {
      out.add(null);
    }
    return out;
  }

  private static List<Object> present(List<@Nullable Object> values, int limit) {
    List<Object> out = new ArrayList<>();
    for (Object value : values) {
      if (value != null && out.size() < limit) {
        out.add(value);
      }
    }
    return out;
  }

  private static List<String> strings(String marker) {
    return List.of(
        marker,
        "Authorization: Bearer " + marker,
        "x-apikey: " + marker,
        "dev",
        "GET",
        "/api/items",
        "https://idp.example/jwks.json",
        "127.0.0.1",
        "RS256",
        "HS256",
        "read");
  }

  private static Class<?> raw(Type type) {
    if (type instanceof Class<?> c) {
      return c;
    }
    if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> c) {
      return c;
    }
    return Object.class;
  }

  private static Type argument(Type type, int index) {
    if (type instanceof ParameterizedType p && p.getActualTypeArguments().length > index) {
      Type argument = p.getActualTypeArguments()[index];
      return argument instanceof java.lang.reflect.WildcardType w
          ? w.getUpperBounds()[0]
          : argument;
    }
    return String.class;
  }

  /**
   * Every choice of one option per component, the all-first choice first, then those changing one
   * component, then two, then three.
   */
  private static Iterable<int[]> byFewestChanges(List<List<@Nullable Object>> options) {
    int n = options.size();
    List<int[]> out = new ArrayList<>();
    out.add(new int[n]);
    for (int changes = 1; changes <= Math.min(3, n) && out.size() < MAX_ATTEMPTS; changes++) {
      addChanges(options, new int[n], 0, changes, out);
    }
    return out;
  }

  private static void addChanges(
      List<List<@Nullable Object>> options, int[] current, int from, int left, List<int[]> out) {
    if (out.size() >= MAX_ATTEMPTS) {
      return;
    }
    if (left == 0) {
      out.add(current.clone());
      return;
    }
    for (int i = from; i < options.size(); i++) {
      for (int value = 1; value < options.get(i).size(); value++) {
        current[i] = value;
        addChanges(options, current, i + 1, left - 1, out);
        current[i] = 0;
      }
    }
  }

  private static String describe(@Nullable Object[] args) {
    Function<@Nullable Object, String> shortly =
        a -> a == null ? "null" : a.getClass().getSimpleName();
    return String.join(", ", Arrays.stream(args).map(shortly).toList());
  }
}
