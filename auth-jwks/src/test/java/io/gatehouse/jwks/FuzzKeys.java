package io.gatehouse.jwks;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.lang.JoseException;
import org.jspecify.annotations.Nullable;

/**
 * The keys of the JWT fuzz targets, made once per JVM, and a signer and verifier built on the JDK
 * alone (no jose4j), so that the targets' oracles do not trust the code under test.
 */
final class FuzzKeys {
  static final String HMAC_ISS = "https://hmac.test";

  /** A signer: a name the inputs use, its JWS algorithm and its key. */
  enum Signer {
    RS("rs", "RS256"),
    PS("rs", "PS256"),
    ES("es", "ES256"),
    ED("ed", "EdDSA"),
    HS("hs", "HS256"),
    /** A 1024-bit RSA key: published, but too short to be trusted. */
    SMALL("small", "RS256"),
    /** An RSA key published with {@code "use":"enc"}. */
    ENC("enc", "RS256"),
    /** An RSA key nobody published, using the kid of a published one. */
    STRANGER("rs", "RS256"),
    /** RS256→HS256 confusion: HMAC keyed with the published RSA public key's JWK text. */
    CONFUSED("rs", "HS256"),
    /** No signature at all. */
    NONE("", "none");

    final String kid;
    final String alg;

    Signer(String kid, String alg) {
      this.kid = kid;
      this.alg = alg;
    }
  }

  static final PublicJsonWebKey RS = Tokens.rsa("rs");
  static final PublicJsonWebKey ES = Tokens.ec("es");
  static final PublicJsonWebKey ED = Tokens.ed25519("ed");
  static final PublicJsonWebKey SMALL = Tokens.rsa("small", 1024);
  static final PublicJsonWebKey ENC = Tokens.rsa("enc");
  static final PublicJsonWebKey STRANGER = Tokens.rsa("rs");
  static final byte[] HMAC_SECRET =
      "fuzz-hmac-secret-of-thirty-two-bytes-at-least".getBytes(StandardCharsets.US_ASCII);

  static {
    ENC.setUse("enc");
  }

  private FuzzKeys() {}

  /** The published JWKS of the JWKS issuer: rs, es, ed, small and enc, public parts only. */
  static List<JsonWebKey> published() {
    return List.of(
        Tokens.publicOnly(RS),
        Tokens.publicOnly(ES),
        Tokens.publicOnly(ED),
        Tokens.publicOnly(SMALL),
        Tokens.publicOnly(ENC));
  }

  static String publicJson(PublicJsonWebKey key) {
    return key.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
  }

  /** The signature of {@code signingInput} by {@code signer}, as the JWS encodes it. */
  static byte[] sign(Signer signer, byte[] signingInput) {
    try {
      return switch (signer) {
        case RS -> jdkSign("SHA256withRSA", null, RS.getPrivateKey(), signingInput);
        case PS -> jdkSign("RSASSA-PSS", pss(), RS.getPrivateKey(), signingInput);
        case ES -> jdkSign("SHA256withECDSAinP1363Format", null, ES.getPrivateKey(), signingInput);
        case ED -> jdkSign("Ed25519", null, ED.getPrivateKey(), signingInput);
        case HS -> hmac(HMAC_SECRET, signingInput);
        case SMALL -> jdkSign("SHA256withRSA", null, SMALL.getPrivateKey(), signingInput);
        case ENC -> jdkSign("SHA256withRSA", null, ENC.getPrivateKey(), signingInput);
        case STRANGER -> jdkSign("SHA256withRSA", null, STRANGER.getPrivateKey(), signingInput);
        case CONFUSED -> hmac(publicJson(RS).getBytes(StandardCharsets.UTF_8), signingInput);
        case NONE -> new byte[0];
      };
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * True when {@code signature} is valid over {@code signingInput} for {@code alg} under a key the
   * issuer {@code iss} legitimately holds: rs (RS256, PS256), es (ES256), ed (EdDSA) for the JWKS
   * issuer, the shared secret (HS256) for the HMAC issuer.
   */
  static boolean legitimatelySigned(String iss, String alg, byte[] signingInput, byte[] signature) {
    try {
      if (iss.equals(HMAC_ISS)) {
        return alg.equals("HS256")
            && java.security.MessageDigest.isEqual(hmac(HMAC_SECRET, signingInput), signature);
      }
      return switch (alg) {
        case "RS256" ->
            jdkVerify("SHA256withRSA", null, RS.getPublicKey(), signingInput, signature);
        case "PS256" -> jdkVerify("RSASSA-PSS", pss(), RS.getPublicKey(), signingInput, signature);
        case "ES256" ->
            jdkVerify(
                "SHA256withECDSAinP1363Format", null, ES.getPublicKey(), signingInput, signature);
        case "EdDSA" -> jdkVerify("Ed25519", null, ED.getPublicKey(), signingInput, signature);
        default -> false;
      };
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  private static PSSParameterSpec pss() {
    return new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1);
  }

  private static byte[] jdkSign(
      String algorithm, @Nullable PSSParameterSpec params, PrivateKey key, byte[] data)
      throws GeneralSecurityException {
    Signature signature = Signature.getInstance(algorithm);
    if (params != null) {
      signature.setParameter(params);
    }
    signature.initSign(key);
    signature.update(data);
    return signature.sign();
  }

  private static boolean jdkVerify(
      String algorithm,
      @Nullable PSSParameterSpec params,
      PublicKey key,
      byte[] data,
      byte[] signatureBytes)
      throws GeneralSecurityException {
    Signature signature = Signature.getInstance(algorithm);
    if (params != null) {
      signature.setParameter(params);
    }
    signature.initVerify(key);
    signature.update(data);
    return signature.verify(signatureBytes);
  }

  private static byte[] hmac(byte[] secret, byte[] data) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    Key key = new SecretKeySpec(secret, "HmacSHA256");
    mac.init(key);
    return mac.doFinal(data);
  }

  static String base64Url(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Strict base64url (the alphabet, no padding, canonical), or null. */
  static byte @Nullable [] decodeCanonical(String part) {
    if (!part.matches("[A-Za-z0-9_-]*")) {
      return null;
    }
    try {
      byte[] bytes = Base64.getUrlDecoder().decode(part);
      return base64Url(bytes).equals(part) ? bytes : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * A JWK member read as leniently as jose4j reads it (either alphabet, padding, and characters
   * outside the alphabet skipped), or null. The fuzzer found that jose4j takes {@code "y":"!..."}
   * for the same coordinate as without the {@code !}: sloppy, but the same key, so not a forgery.
   */
  static byte @Nullable [] decodeLenient(@Nullable Object member) {
    if (!(member instanceof String text)) {
      return null;
    }
    String normal = text.replace('+', '-').replace('/', '_').replaceAll("[^A-Za-z0-9_-]", "");
    if (normal.length() % 4 == 1) {
      normal = normal.substring(0, normal.length() - 1); // a lone last character carries no byte
    }
    try {
      return Base64.getUrlDecoder().decode(normal);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  static BigInteger unsigned(byte[] bytes) {
    return new BigInteger(1, bytes);
  }

  /** A JWK's members as jose4j itself would print them, to fill document templates. */
  static Map<String, Object> members(PublicJsonWebKey key) {
    try {
      return Objects.requireNonNull(org.jose4j.json.JsonUtil.parseJson(publicJson(key)));
    } catch (JoseException e) {
      throw new IllegalStateException(e);
    }
  }
}
