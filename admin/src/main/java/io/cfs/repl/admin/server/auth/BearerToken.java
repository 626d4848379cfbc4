package io.cfs.repl.admin.server.auth;

import static org.apache.pekko.http.javadsl.server.Directives.optionalHeaderValueByName;
import static org.apache.pekko.http.javadsl.server.Directives.respondWithHeader;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.headers.HttpChallenge;
import org.apache.pekko.http.javadsl.model.headers.WWWAuthenticate;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The bearer token a listener requires ({@code Authorization: Bearer <token>}, RFC 6750), and the one check of a
 * request against it, for the admin routes and the ingest listener alike. What a listener does while no token is
 * configured (refuse or let everything through) and the body of its refusal are its own: both are part of its API.
 */
public final class BearerToken {
  private static final String SCHEME = "Bearer";

  /** What a request presented. */
  public enum Verdict { ACCEPTED, MISSING, WRONG }

  private final byte[] token;

  /** @param token the configured token; empty for none */
  public BearerToken(String token) {
    this.token = token.getBytes(StandardCharsets.UTF_8);
  }

  public boolean configured() {
    return token.length > 0;
  }

  /**
   * Judges an {@code Authorization} header. The scheme is matched case-insensitively (RFC 7235); the token is
   * compared in constant time, so it cannot be guessed byte by byte from response times.
   */
  public Verdict check(Optional<String> authorization) {
    Optional<String> presented = authorization
        .filter(h -> h.regionMatches(true, 0, SCHEME + " ", 0, SCHEME.length() + 1))
        .map(h -> h.substring(SCHEME.length() + 1).trim());
    if (presented.isEmpty()) return Verdict.MISSING;
    boolean valid = configured() && MessageDigest.isEqual(token, presented.get().getBytes(StandardCharsets.UTF_8));
    return valid ? Verdict.ACCEPTED : Verdict.WRONG;
  }

  /**
   * Lets the request through to {@code inner} only with this token; otherwise answers {@code refused} with a
   * {@code WWW-Authenticate: Bearer realm="<realm>"} challenge. Checked before anything else of the request is read,
   * so a refused request learns nothing and changes nothing.
   */
  public Route require(String realm, Supplier<Route> inner, Function<Verdict, Route> refused) {
    return optionalHeaderValueByName("Authorization", header -> {
      Verdict verdict = check(header);
      if (verdict == Verdict.ACCEPTED) return inner.get();
      return respondWithHeader(WWWAuthenticate.create(HttpChallenge.create(SCHEME, realm)),
          () -> refused.apply(verdict));
    });
  }
}
