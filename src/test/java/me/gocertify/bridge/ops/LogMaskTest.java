package me.gocertify.bridge.ops;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogMaskTest {

    final LogMask mask = new LogMask();

    @Test
    void masksYotpoAndWebhookHeadersInCamelsHeaderMaps() {
        String line = mask.format("Headers: {x-api-key=KEY123456789, x-guid=GUID987654321, webhook-signature=v1,"
                + "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE= v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=, "
                + "Authorization=Bearer TOKEN-abc-123, webhook-id=msg_1}");
        assertThat(line).doesNotContain("KEY123456789", "GUID987654321", "g0hM9SsE", "Ceo5qEr07", "TOKEN-abc-123")
                .contains("webhook-id=msg_1");
    }

    @Test
    void masksCredentialFieldsOfAJsonBodyInsideALine() {
        String line = mask.format("Body: {\"yotpo_api_key\":\"KEY123456789\",\"yotpo_guid\" : \"GUID987654321\","
                + "\"webhook_secret\":\"plain-bearer-secret\",\"previous_webhook_secret\":\"other\\\"secret\",\"enabled\":true}");
        assertThat(line).doesNotContain("KEY123456789", "GUID987654321", "plain-bearer-secret", "other")
                .contains("\"enabled\":true");
    }

    @Test
    void masksWebhookSecretsAndBearerTokensAnywhere() {
        assertThat(mask.format("secret is whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw here")).doesNotContain("MfKQ9r8GKYqr");
        assertThat(mask.format("arguments: {acme, Bearer s3cr3t-token-value, null}")).doesNotContain("s3cr3t-token-value");
    }
}
