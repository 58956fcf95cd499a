package me.gocertify.bridge.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The published Standard Webhooks test vectors (standard-webhooks/standard-webhooks, the libraries'
 * test suites): secret, message id, timestamp, payload and the expected v1 signature, checked with a
 * fixed clock, and the suites' refusal cases.
 */
class SignatureVerifierTest {

    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String MSG_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    static final String TIMESTAMP = "1614265330";
    static final byte[] PAYLOAD = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
    static final String EXPECTED = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    // a well-formed v1 signature of something else, used by the vectors as a decoy
    static final String DECOY = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=";

    static final Instant AT_TIMESTAMP = Instant.ofEpochSecond(1614265330L);

    final SignatureVerifier verifier = new SignatureVerifier(300);

    boolean verify(String signatures, Instant now) {
        return verifier.verify(List.of(SECRET), MSG_ID, TIMESTAMP, signatures, PAYLOAD, now);
    }

    @Test
    void signsThePublishedVectorToItsExpectedSignature() {
        assertThat(SignatureVerifier.signature(SECRET, MSG_ID, TIMESTAMP, PAYLOAD)).isEqualTo(EXPECTED);
    }

    @Test
    void verifiesThePublishedVectorAtItsTimestamp() {
        assertThat(verify(EXPECTED, AT_TIMESTAMP)).isTrue();
    }

    @Test
    void acceptsOneValidSignatureAmongSeveral() {
        assertThat(verify(DECOY + " v2," + EXPECTED.substring(3) + " " + EXPECTED + " " + DECOY, AT_TIMESTAMP)).isTrue();
    }

    @Test
    void refusesTheRightSignatureUnderAnotherVersion() {
        assertThat(verify("v2," + EXPECTED.substring(3), AT_TIMESTAMP)).isFalse();
    }

    @Test
    void refusesMalformedAndMismatchedSignatures() {
        assertThat(verify("invalid_signature", AT_TIMESTAMP)).isFalse();
        assertThat(verify("v1,invalid_signature", AT_TIMESTAMP)).isFalse();
        assertThat(verify(DECOY, AT_TIMESTAMP)).isFalse();
        assertThat(verify("", AT_TIMESTAMP)).isFalse();
        assertThat(verify("v1,", AT_TIMESTAMP)).isFalse();
    }

    @Test
    void refusesTimestampsMoreThanFiveMinutesAwayEitherWay() {
        assertThat(verify(EXPECTED, AT_TIMESTAMP.plusSeconds(300))).isTrue();
        assertThat(verify(EXPECTED, AT_TIMESTAMP.minusSeconds(300))).isTrue();
        assertThat(verify(EXPECTED, AT_TIMESTAMP.plusSeconds(301))).isFalse();
        assertThat(verify(EXPECTED, AT_TIMESTAMP.minusSeconds(301))).isFalse();
    }

    @Test
    void refusesMissingHeaders() {
        assertThat(verifier.verify(List.of(SECRET), null, TIMESTAMP, EXPECTED, PAYLOAD, AT_TIMESTAMP)).isFalse();
        assertThat(verifier.verify(List.of(SECRET), MSG_ID, null, EXPECTED, PAYLOAD, AT_TIMESTAMP)).isFalse();
        assertThat(verifier.verify(List.of(SECRET), MSG_ID, TIMESTAMP, null, PAYLOAD, AT_TIMESTAMP)).isFalse();
    }

    @Test
    void refusesAChangedIdTimestampOrBody() {
        byte[] changed = PAYLOAD.clone();
        changed[changed.length - 2]++;
        assertThat(verifier.verify(List.of(SECRET), MSG_ID, TIMESTAMP, EXPECTED, changed, AT_TIMESTAMP)).isFalse();
        assertThat(verifier.verify(List.of(SECRET), MSG_ID + "x", TIMESTAMP, EXPECTED, PAYLOAD, AT_TIMESTAMP)).isFalse();
        assertThat(verifier.verify(List.of(SECRET), MSG_ID, "1614265331", EXPECTED, PAYLOAD, AT_TIMESTAMP)).isFalse();
    }

    @Test
    void refusesAnotherSecretAndAcceptsEitherOfTwoDuringARotation() {
        String other = "whsec_" + java.util.Base64.getEncoder().encodeToString("another-secret-of-24-bytes".getBytes(StandardCharsets.UTF_8));
        assertThat(verifier.verify(List.of(other), MSG_ID, TIMESTAMP, EXPECTED, PAYLOAD, AT_TIMESTAMP)).isFalse();
        assertThat(verifier.verify(List.of(other, SECRET), MSG_ID, TIMESTAMP, EXPECTED, PAYLOAD, AT_TIMESTAMP)).isTrue();
        assertThat(verifier.verify(List.of(SECRET, other), MSG_ID, TIMESTAMP, EXPECTED, PAYLOAD, AT_TIMESTAMP)).isTrue();
    }

    @Test
    void refusesNonNumericOrOverlongTimestamps() {
        assertThat(verifier.verify(List.of(SECRET), MSG_ID, "1614265330.0", EXPECTED, PAYLOAD, AT_TIMESTAMP)).isFalse();
        assertThat(verifier.verify(List.of(SECRET), MSG_ID, "-1614265330", EXPECTED, PAYLOAD, AT_TIMESTAMP)).isFalse();
        assertThat(verifier.verify(List.of(SECRET), MSG_ID, "99999999999999999999", EXPECTED, PAYLOAD, AT_TIMESTAMP)).isFalse();
    }
}
