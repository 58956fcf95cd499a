package me.gocertify.bridge.verification;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import me.gocertify.bridge.support.BridgeClient;
import me.gocertify.bridge.support.BridgeProcess;
import me.gocertify.bridge.support.RunningBridge;

/** A 202 means the verification survives kill -9 of the bridge's JVM right after the answer. */
class DurabilityTest {

    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    @TempDir
    Path dir;

    @Test
    void acceptedVerificationsSurviveKillDashNine() {
        String db = "jdbc:h2:file:" + dir.resolve("bridge").toAbsolutePath() + ";WRITE_DELAY=0";
        // Yotpo unreachable: the rows stay in the ledger, whatever their delivery state
        String yotpo = "http://127.0.0.1:" + RunningBridge.freePort();
        int accepted = 0;
        try (BridgeProcess first = BridgeProcess.start(db, yotpo, dir.resolve("first.log"), Map.of())) {
            BridgeClient client = first.client();
            client.registerMerchant("acme", "api-key-0123456789abcd", "guid-0123456789abcdef", SECRET, "signature");
            for (int i = 0; i < 200; i++) {
                var response = client.postSigned("acme", SECRET,
                        "{\"verification_id\":\"k-" + i + "\",\"campaign\":\"students\",\"email\":\"s" + i + "@example.com\"}");
                assertThat(response.statusCode()).isEqualTo(202);
                accepted++;
            }
            first.kill();
        }

        try (BridgeProcess second = BridgeProcess.start(db, yotpo, dir.resolve("second.log"), Map.of())) {
            BridgeClient client = second.client();
            for (int i = 0; i < accepted; i++) {
                assertThat(client.admin("GET", "/admin/merchants/acme/verifications/k-" + i).statusCode())
                        .as("verification k-%d after kill -9", i).isEqualTo(200);
            }
            assertThat(client.postSigned("acme", SECRET,
                    "{\"verification_id\":\"k-0\",\"campaign\":\"students\",\"email\":\"s0@example.com\"}").body())
                    .contains("\"status\":\"duplicate\"");
        }
    }

    /** Webhooks arriving together share a commit (GroupCommit on H2): each 202 still comes only after its own row's. */
    @Test
    void verificationsAcceptedTogetherSurviveKillDashNine() throws Exception {
        String db = "jdbc:h2:file:" + dir.resolve("together").toAbsolutePath() + ";WRITE_DELAY=0";
        String yotpo = "http://127.0.0.1:" + RunningBridge.freePort();
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        try (BridgeProcess first = BridgeProcess.start(db, yotpo, dir.resolve("together-first.log"), Map.of())) {
            BridgeClient client = first.client();
            client.registerMerchant("acme", "api-key-0123456789abcd", "guid-0123456789abcdef", SECRET, "signature");
            ExecutorService senders = Executors.newFixedThreadPool(16);
            try {
                List<Future<?>> sent = new ArrayList<>();
                for (int t = 0; t < 16; t++) {
                    int sender = t;
                    sent.add(senders.submit(() -> {
                        for (int i = 0; i < 25; i++) {
                            String id = "t" + sender + "-" + i;
                            if (client.postSigned("acme", SECRET, "{\"verification_id\":\"" + id
                                    + "\",\"campaign\":\"students\",\"email\":\"s" + i + "@example.com\"}").statusCode() == 202) {
                                accepted.add(id);
                            }
                        }
                    }));
                }
                for (Future<?> each : sent) {
                    each.get();
                }
            } finally {
                senders.shutdownNow();
            }
            first.kill();
        }
        assertThat(accepted).hasSize(400);

        try (BridgeProcess second = BridgeProcess.start(db, yotpo, dir.resolve("together-second.log"), Map.of())) {
            BridgeClient client = second.client();
            for (String id : accepted) {
                assertThat(client.admin("GET", "/admin/merchants/acme/verifications/" + id).statusCode())
                        .as("verification %s after kill -9", id).isEqualTo(200);
            }
        }
    }
}
