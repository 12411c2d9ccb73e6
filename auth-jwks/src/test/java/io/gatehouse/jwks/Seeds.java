package io.gatehouse.jwks;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** The seed inputs of a fuzz target, as Jazzer finds them: one file per input, by file name. */
final class Seeds {
  private Seeds() {}

  static Map<String, byte[]> of(Class<?> testClass, String method) throws IOException {
    String directory = testClass.getSimpleName() + "Inputs/" + method;
    URL url = testClass.getResource(directory);
    if (url == null) {
      throw new IOException("no seed directory " + directory);
    }
    Map<String, byte[]> seeds = new TreeMap<>();
    try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
      for (Path file : files.toList()) {
        seeds.put(file.getFileName().toString(), Files.readAllBytes(file));
      }
    } catch (URISyntaxException e) {
      throw new IOException(e);
    }
    return seeds;
  }
}
