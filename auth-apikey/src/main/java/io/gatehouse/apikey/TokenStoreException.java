package io.gatehouse.apikey;

/** A {@link TokenStore} could not answer: the database is down, slow or refused the query. */
public class TokenStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TokenStoreException(String message, Throwable cause) {
    super(message, cause);
  }

  public TokenStoreException(String message) {
    super(message);
  }
}
