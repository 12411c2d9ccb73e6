package io.gatehouse.jwks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScannedClaimsTest {

  private static ScannedClaims scan(String json) {
    return ScannedClaims.scan(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aValueTheThreadReadRecentlyIsTheSameStringAndAnyOtherIsItsOwn() throws Exception {
    String iss = scan("{\"iss\":\"https://idp.example/tenant-1\",\"sub\":\"alice\"}").string("iss");
    assertThat(scan("{\"sub\":\"bob\",\"iss\":\"https://idp.example/tenant-1\"}").string("iss"))
        .isSameAs(iss);
    // Same length, first and last byte (the same slot), one byte apart: its own text.
    assertThat(scan("{\"iss\":\"https://idp.example/tenanT-1\"}").string("iss"))
        .isEqualTo("https://idp.example/tenanT-1");
    assertThat(scan("{\"iss\":\"https://idp.example/tenant-1\"}").string("iss"))
        .isEqualTo("https://idp.example/tenant-1");
    // Latin-1 bytes never match a character beyond them; an escaped value is decoded as before.
    assertThat(scan("{\"sub\":\"al\\u0069ce\"}").string("sub")).isEqualTo("alice");
    assertThat(scan("{\"sub\":\"alice\"}").string("sub")).isEqualTo("alice");
    String long65 = "x".repeat(65);
    assertThat(scan("{\"sub\":\"" + long65 + "\"}").string("sub")).isEqualTo(long65);
  }

  @Test
  void eachRegisteredClaimHasTheSlotOfItsNameAndIsReadFromIt() throws Exception {
    String[] names = ScannedClaims.registeredNames();
    StringBuilder json = new StringBuilder("{\"other\":0");
    for (int slot = 0; slot < names.length; slot++) {
      assertThat(ScannedClaims.registeredSlot(names[slot].hashCode())).isEqualTo(slot);
      json.append(",\"").append(names[slot]).append("\":").append(100 + slot);
    }
    ScannedClaims claims = scan(json.append('}').toString());
    assertThat(claims).isNotNull();
    for (int slot = 0; slot < names.length; slot++) {
      assertThat(claims.date(names[slot], -1)).isEqualTo(100 + slot);
    }
    // Absent registered claims read as absent; a name of another case is another name.
    ScannedClaims none = scan("{\"other\":0,\"jTi\":1}");
    assertThat(none).isNotNull();
    for (String name : names) {
      assertThat(none.has(name)).isFalse();
    }
    assertThat(none.date("jTi", -1)).isEqualTo(1);
  }

  @Test
  void namesOfTheSameHashAreToldApart() throws Exception {
    // "Aa" and "BB" share String.hashCode: the lookup compares the name after the hash.
    assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
    ScannedClaims claims = scan("{\"Aa\":\"first\",\"BB\":\"second\",\"C#\":3}");
    assertThat(claims).isNotNull();
    assertThat(claims.string("Aa")).isEqualTo("first");
    assertThat(claims.string("BB")).isEqualTo("second");
    assertThat(claims.date("C#", 0)).isEqualTo(3);
    assertThat(claims.has("AaBB")).isFalse();
    assertThat(claims.has("BBAa")).isFalse();
    // A name repeated is still left to the full parser (jose4j refuses it), after one of its hash.
    assertThat(scan("{\"Aa\":1,\"BB\":2,\"Aa\":3}")).isNull();
  }

  @Test
  void aPlainClaimSetIsScannedAndReadsEachClaimAsItsType() throws Exception {
    ScannedClaims claims =
        scan(
            "{\"iss\":\"https://i\",\"aud\":[\"api\",\"x\"],\"exp\":1700000000,\"nbf\":-5,"
                + "\"sub\":\"al\\u0069ce\",\"x\":{\"y\":[1,{}]},\"n\":null,\"t\":true}");
    assertThat(claims).isNotNull();
    assertThat(claims.string("iss")).isEqualTo("https://i");
    assertThat(claims.string("sub")).isEqualTo("alice");
    assertThat(claims.date("exp", 0)).isEqualTo(1_700_000_000L);
    assertThat(claims.date("nbf", 0)).isEqualTo(-5L);
    assertThat(claims.date("iat", 99)).isEqualTo(99L);
    assertThat(claims.date("n", 99)).isEqualTo(99L);
    assertThat(claims.has("n")).isFalse();
    assertThat(claims.has("t")).isTrue();
    assertThat(claims.audience()).containsExactly("api", "x");
    assertThat(claims.all().keySet())
        .containsExactly("iss", "aud", "exp", "nbf", "sub", "x", "n", "t");
  }

  @Test
  void aClaimOfTheWrongTypeIsRefusedAsTheMapReaderRefusesIt() {
    ScannedClaims claims = scan("{\"exp\":\"1\",\"iss\":5,\"aud\":[1],\"nbf\":true}");
    assertThat(claims).isNotNull();
    for (String date : List.of("exp", "nbf")) {
      assertThat(wrongType(() -> claims.date(date, 0))).as(date).isTrue();
    }
    assertThat(wrongType(() -> claims.string("iss"))).isTrue();
    assertThat(wrongType(claims::audience)).isTrue();
  }

  @Test
  void whatTheScanDoesNotTakeIsLeftToTheFullParser() {
    // A repeated name (jose4j refuses it), an escaped or non-ASCII name, a fraction or a long
    // number, trailing text, invalid JSON, a repeated name in a nested object.
    for (String json :
        List.of(
            "{\"a\":1,\"a\":2}",
            "{\"\\u0069ss\":\"x\"}",
            "{\"é\":1}",
            "{\"exp\":1.5}",
            "{\"exp\":1e3}",
            "{\"exp\":1234567890123456789}",
            "{\"a\":1} x",
            "{\"a\":tru}",
            "{\"a\":\"\u0001\"}",
            "{\"x\":{\"y\":1,\"y\":2}}",
            "[1]")) {
      assertThat(scan(json)).as(json).isNull();
    }
  }

  private interface Read {
    Object read() throws Claims.WrongType;
  }

  private static boolean wrongType(Read read) {
    try {
      read.read();
      return false;
    } catch (Claims.WrongType e) {
      return true;
    }
  }
}
