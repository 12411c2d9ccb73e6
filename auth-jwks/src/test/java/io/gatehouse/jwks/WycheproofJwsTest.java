package io.gatehouse.jwks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.jose4j.json.JsonUtil;
import org.jose4j.jwk.JsonWebKey;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every Wycheproof JWS vector (C2SP/wycheproof {@code json_web_signature_test.json}, 401 cases) run
 * through the verification layer: {@link JwsParser} then {@link JwsVerifier}, with the group's key
 * and every supported algorithm allowed. Payloads are raw bytes, not claims, so no claim check
 * applies.
 *
 * <p>Eight vectors contradict either each other or the strict key binding the issue requires; they
 * are listed in {@link #CONTRADICTIONS} with the reason, and the test asserts that exactly these
 * eight disagree (so a list that grows stale fails).
 */
class WycheproofJwsTest {

  /** tcId → why our (strict) answer differs from the vector's label. */
  static final Map<Integer, String> CONTRADICTIONS =
      new TreeMap<>(
          Map.of(
              346,
                  "key alg PS256, token PS384: labelled valid, but tc 338/340 require exact binding",
              350, "same as 346 with key_ops",
              347, "key alg 'ES521' is not a registered JWS algorithm: labelled valid",
              351, "same as 347 with key_ops",
              367, "byte-identical to tc 357 (labelled valid) but labelled invalid",
              370, "byte-identical to tc 357 (labelled valid) but labelled invalid",
              372, "'?' inside the header is outside base64url: labelled valid",
              373, "'?' inside the payload is outside base64url: labelled valid"));

  record Case(int id, String name, String expected, Object jws, Map<String, Object> key) {}

  static List<Case> cases() {
    Map<String, Object> file = Vectors.json("wycheproof/json_web_signature_test.json");
    List<Case> cases = new ArrayList<>();
    for (Object groupValue : (List<?>) file.get("testGroups")) {
      Map<String, Object> group = Vectors.map(groupValue);
      Map<String, Object> key =
          Vectors.map(group.containsKey("public") ? group.get("public") : group.get("private"));
      for (Object testValue : (List<?>) group.get("tests")) {
        Map<String, Object> test = Vectors.map(testValue);
        cases.add(
            new Case(
                ((Number) test.get("tcId")).intValue(),
                group.get("comment") + "/" + test.get("comment"),
                (String) test.get("result"),
                test.get("jws"),
                key));
      }
    }
    return cases;
  }

  /** True when the verification layer accepts the case. */
  static boolean verifies(Case c) throws Exception {
    // JSON serializations arrive as objects; a bearer token is always text.
    String compact =
        c.jws() instanceof String ? (String) c.jws() : JsonUtil.toJson(Vectors.map(c.jws()));
    JsonWebKey key = JsonWebKey.Factory.newJwk(c.key());
    try {
      ParsedJws jws = JwsParser.parse(compact, 64 * 1024);
      JwsVerifier.verify(jws, key);
      return true;
    } catch (Refusal refused) {
      return false;
    }
  }

  @Test
  void allFourHundredAndOneVectorsAreRun() {
    assertThat(cases()).hasSize(401);
  }

  @TestFactory
  Stream<DynamicTest> everyVectorMatchesItsLabel() {
    return cases().stream()
        .map(
            c ->
                DynamicTest.dynamicTest(
                    "tc" + c.id() + " " + c.name() + " " + c.expected(),
                    () -> {
                      boolean valid = c.expected().equals("valid");
                      boolean contradiction = CONTRADICTIONS.containsKey(c.id());
                      assertThat(verifies(c))
                          .as("tc %d %s", c.id(), CONTRADICTIONS.getOrDefault(c.id(), ""))
                          .isEqualTo(contradiction ? !valid : valid);
                    }));
  }

  @Test
  void contradictionsAreRefusedNeverAccepted() throws Exception {
    // Every contradiction resolves toward refusal, except 367/370 which equal a valid vector.
    for (Case c : cases()) {
      if (CONTRADICTIONS.containsKey(c.id()) && c.id() != 367 && c.id() != 370) {
        assertThat(verifies(c)).as("tc %d", c.id()).isFalse();
      }
    }
  }
}
