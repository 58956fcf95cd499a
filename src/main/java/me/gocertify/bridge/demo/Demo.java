package me.gocertify.bridge.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Properties;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.main.Main;

import me.gocertify.bridge.Application;
import me.gocertify.bridge.admin.AdminApi;

/**
 * {@code java -jar target/gocertify-yotpo-bridge.jar --demo}: the bridge with a Yotpo sandbox on
 * loopback instead of Yotpo, its own database under data/demo/, and a demo merchant, so a newcomer
 * can post a webhook and watch the award go through without a Yotpo account.
 */
public final class Demo {

    public static final String MERCHANT = "demo-shop";
    public static final String WEBHOOK_SECRET = "demo-webhook-secret-not-for-production";

    private Demo() {
    }

    /** The demo bridge, to be run; the sandbox it calls must be started first and closed after. */
    public static Main create(Properties overrides, YotpoSandbox sandbox) {
        Properties settings = new Properties();
        settings.setProperty("yotpo.base-url", sandbox.baseUrl());
        settings.setProperty("bridge.data-dir", "data/demo");
        settings.setProperty("bridge.db.url", "jdbc:h2:file:./data/demo/bridge;WRITE_DELAY=0");
        settings.putAll(overrides);
        Main main = Application.create(settings);
        main.configure().addConfiguration(new OnceStarted(sandbox));
        return main;
    }

    /** Once every bean and route is up: registers the demo merchant and prints how to use it. */
    private record OnceStarted(YotpoSandbox sandbox) implements CamelConfiguration, StartupListener {
        @Override
        public void configure(CamelContext camel) throws Exception {
            camel.addStartupListener(this);
        }

        @Override
        public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
            // waits for onCamelContextFullyStarted: the HTTP server must be listening first
        }

        @Override
        public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
            registerMerchant(context);
            System.out.println(instructions(context, sandbox));
        }
    }

    static void registerMerchant(CamelContext camel) {
        String merchant = "{\"yotpo_api_key\":\"demo-api-key\",\"yotpo_guid\":\"demo-guid\",\"webhook_auth\":\"bearer\","
                + "\"webhook_secret\":\"" + WEBHOOK_SECRET + "\"}";
        camel.getRegistry().lookupByNameAndType("admin", AdminApi.class).putMerchant(MERCHANT, merchant.getBytes(StandardCharsets.UTF_8));
    }

    static String instructions(CamelContext camel, YotpoSandbox sandbox) {
        String port = camel.resolvePropertyPlaceholders("{{camel.server.port}}");
        String management = camel.resolvePropertyPlaceholders("{{camel.management.port}}");
        String hawtio = camel.resolvePropertyPlaceholders("{{bridge.hawtio.port}}");
        String dataDir = Path.of(camel.resolvePropertyPlaceholders("{{bridge.data-dir}}")).toString();
        return String.join(System.lineSeparator(),
                "",
                "=== Demo mode: Yotpo is a sandbox at " + sandbox.baseUrl() + "; no real account is called ===",
                "Merchant '" + MERCHANT + "' takes webhooks with a bearer token. Post one:",
                "  curl -i -X POST http://localhost:" + port + "/api/v1/merchants/" + MERCHANT + "/verifications \\",
                "    -H 'Authorization: Bearer " + WEBHOOK_SECRET + "' -H 'Content-Type: application/json' \\",
                "    -d '{\"verification_id\":\"demo-1\",\"campaign\":\"students\",\"email\":\"jane@example.com\"}'",
                "See the award (the sandbox also logs each action it records):",
                "  curl -s -H \"Authorization: Bearer $(cat " + dataDir + "/admin.token)\" \\",
                "    http://localhost:" + port + "/admin/merchants/" + MERCHANT + "/verifications/demo-1",
                "Metrics: http://localhost:" + management + "/observe/metrics   Health: http://localhost:" + management
                        + "/observe/health",
                "Hawtio:  http://localhost:" + hawtio + "/hawtio/ (user admin unless HAWTIO_USER is set; password in "
                        + dataDir + "/hawtio.password unless HAWTIO_PASSWORD is set)",
                "");
    }

    public static void run(Properties overrides, String[] args) throws Exception {
        try (YotpoSandbox sandbox = YotpoSandbox.start(0)) {
            create(overrides, sandbox).run(args);
        } catch (IOException e) {
            throw new IllegalStateException("the Yotpo sandbox could not start", e);
        }
    }
}
