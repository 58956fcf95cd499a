package me.gocertify.bridge;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.service.ServiceSupport;

import com.zaxxer.hikari.HikariDataSource;
import me.gocertify.bridge.admin.AdminApi;
import me.gocertify.bridge.delivery.Deliveries;
import me.gocertify.bridge.delivery.MerchantRateLimiter;
import me.gocertify.bridge.delivery.RetryPolicy;
import me.gocertify.bridge.filedrop.FileDrop;
import me.gocertify.bridge.filedrop.FileDropProgress;
import me.gocertify.bridge.merchant.CredentialCipher;
import me.gocertify.bridge.merchant.MerchantForm;
import me.gocertify.bridge.merchant.MerchantRegistry;
import me.gocertify.bridge.store.Database;
import me.gocertify.bridge.store.Jdbc;
import me.gocertify.bridge.verification.Ledger;
import me.gocertify.bridge.verification.VerificationRules;
import me.gocertify.bridge.web.HttpAnswers;
import me.gocertify.bridge.web.HttpErrorPages;
import me.gocertify.bridge.webhook.SignatureVerifier;
import me.gocertify.bridge.webhook.WebhookGuard;

/** All the wiring in one place: the beans the routes call, built from application.properties. */
public final class BridgeConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext camel) throws Exception {
        PropertiesComponent properties = camel.getPropertiesComponent();
        Settings settings = new Settings(properties);
        Clock clock = Clock.systemUTC();
        Path dataDir = Path.of(settings.text("bridge.data-dir"));

        HikariDataSource dataSource = Database.open(settings.text("bridge.db.url"), settings.text("bridge.db.user"),
                settings.text("bridge.db.password"), settings.integer("bridge.db.pool-size"));
        camel.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                dataSource.close();
            }
        });

        CredentialCipher cipher = new CredentialCipher(
                BridgeSecrets.masterKey(settings.text("bridge.master-key"), dataDir.resolve("master.key")));
        String adminToken = BridgeSecrets.token(settings.text("bridge.admin-token"), dataDir.resolve("admin.token"),
                "admin token (BRIDGE_ADMIN_TOKEN)");

        Jdbc jdbc = new Jdbc(dataSource);
        MerchantRegistry merchants = new MerchantRegistry(dataSource, cipher);
        Ledger ledger = new Ledger(jdbc, clock, Duration.ofSeconds(settings.integer("bridge.delivery.lease-seconds")));
        RetryPolicy retries = new RetryPolicy(Duration.ofSeconds(settings.integer("bridge.delivery.retry-initial-seconds")),
                Duration.ofSeconds(settings.integer("bridge.delivery.retry-max-seconds")),
                Duration.ofHours(settings.integer("bridge.delivery.retry-horizon-hours")));

        Registry registry = camel.getRegistry();
        registry.bind("dataSource", dataSource);
        registry.bind("ledger", ledger);
        registry.bind("merchants", merchants);
        VerificationRules rules = new VerificationRules(clock);
        registry.bind("verificationRules", rules);
        registry.bind("webhookGuard", new WebhookGuard(merchants,
                new SignatureVerifier(settings.integer("bridge.webhook.tolerance-seconds")), clock));
        registry.bind("httpAnswers", new HttpAnswers());
        camel.addStartupListener(new HttpErrorPages());
        registry.bind("admin", new AdminApi(adminToken, merchants,
                new MerchantForm(settings.integer("bridge.delivery.default-rate-limit-per-second")), ledger));
        registry.bind("deliveries", new Deliveries(ledger, merchants,
                new MerchantRateLimiter(1000 + settings.integer("bridge.delivery.rate-window-margin-ms"), System::nanoTime),
                settings.integer("bridge.delivery.batch-size")));
        registry.bind("yotpoCall", new me.gocertify.bridge.yotpo.YotpoCall(merchants));
        FileDropProgress fileDropProgress = new FileDropProgress();
        registry.bind("fileDropProgress", fileDropProgress);
        registry.bind("fileDrop", new FileDrop(merchants, rules, fileDropProgress, clock,
                settings.integer("bridge.inbox.progress-every")));
        registry.bind("yotpoOutcomes", new me.gocertify.bridge.yotpo.YotpoOutcomes(ledger, retries, clock,
                Duration.ofSeconds(settings.integer("yotpo.breaker.wait-seconds-in-open-state"))));
    }

    /** Typed reads of resolved settings; a missing one stops the start with its name. */
    private record Settings(PropertiesComponent properties) {
        String text(String key) {
            return properties.resolveProperty(key)
                    .orElseThrow(() -> new IllegalStateException("missing setting " + key));
        }

        int integer(String key) {
            return Integer.parseInt(text(key).trim());
        }
    }
}
