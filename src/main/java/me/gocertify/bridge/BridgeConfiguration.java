package me.gocertify.bridge;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.apache.camel.Processor;
import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.spi.MaskingFormatter;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyFactory;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.processor.DefaultExchangeFormatter;
import org.slf4j.LoggerFactory;

import com.zaxxer.hikari.HikariDataSource;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import me.gocertify.bridge.admin.AdminApi;
import me.gocertify.bridge.delivery.Deliveries;
import me.gocertify.bridge.delivery.MerchantRateLimiter;
import me.gocertify.bridge.delivery.RetryPolicy;
import me.gocertify.bridge.filedrop.FileDrop;
import me.gocertify.bridge.filedrop.FileDropProgress;
import me.gocertify.bridge.filedrop.InboxClaims;
import me.gocertify.bridge.merchant.CredentialCipher;
import me.gocertify.bridge.merchant.Merchant;
import me.gocertify.bridge.merchant.MerchantForm;
import me.gocertify.bridge.merchant.MerchantRegistry;
import me.gocertify.bridge.ops.LogMask;
import me.gocertify.bridge.ops.BridgeMetrics;
import me.gocertify.bridge.ops.DatabaseHealthCheck;
import me.gocertify.bridge.ops.GcPauseMetrics;
import me.gocertify.bridge.ops.HawtioConsole;
import me.gocertify.bridge.ops.OpenApiDocument;
import me.gocertify.bridge.ops.SharedMBeanInfo;
import me.gocertify.bridge.ops.WebhookTiming;
import me.gocertify.bridge.ops.YotpoBreakerHealthCheck;
import me.gocertify.bridge.store.Database;
import me.gocertify.bridge.store.GroupCommit;
import me.gocertify.bridge.store.Jdbc;
import me.gocertify.bridge.store.RepeatedFailure;
import me.gocertify.bridge.store.SchemaMigration;
import me.gocertify.bridge.verification.Delivery;
import me.gocertify.bridge.verification.Ledger;
import me.gocertify.bridge.verification.Recorded;
import me.gocertify.bridge.verification.VerificationEvent;
import me.gocertify.bridge.verification.VerificationRules;
import me.gocertify.bridge.web.HttpAnswers;
import me.gocertify.bridge.web.EventLoopHttpEngine;
import me.gocertify.bridge.web.EventLoopSteps;
import me.gocertify.bridge.web.HttpErrorPages;
import me.gocertify.bridge.web.ListeningPorts;
import me.gocertify.bridge.webhook.SignatureVerifier;
import me.gocertify.bridge.webhook.WebhookGuard;
import me.gocertify.bridge.yotpo.YotpoBreaker;
import me.gocertify.bridge.yotpo.YotpoCall;
import me.gocertify.bridge.yotpo.YotpoCredentials;
import me.gocertify.bridge.yotpo.YotpoHistory;
import me.gocertify.bridge.yotpo.YotpoOutcomes;

/** All the wiring in one place: the beans the routes call, built from application.properties. */
public final class BridgeConfiguration implements CamelConfiguration {

    /**
     * The webhook's path as the REST DSL gives it to platform-http (routes/intake-webhook.camel.yaml): its
     * route runs on the HTTP event loop ({@link EventLoopHttpEngine}); EventLoopWebhookTest checks it does.
     */
    static final String WEBHOOK_PATH = "/api/v1/merchants/{merchantId}/verifications";

    @Override
    public void configure(CamelContext camel) throws Exception {
        PropertiesComponent properties = camel.getPropertiesComponent();
        Settings settings = new Settings(properties);
        // before anything opens: a bridge that would not listen where its settings say does not start
        boolean hawtioEnabled = settings.bool("bridge.hawtio.enabled");
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("BRIDGE_HTTP_PORT (camel.server.port)", settings.integer("camel.server.port"));
        ports.put("BRIDGE_MANAGEMENT_PORT (camel.management.port)", settings.integer("camel.management.port"));
        if (hawtioEnabled) {
            ports.put("BRIDGE_HAWTIO_PORT (bridge.hawtio.port)", settings.integer("bridge.hawtio.port"));
        }
        camel.addStartupListener(ListeningPorts.distinct(ports));
        Clock clock = Clock.systemUTC();
        Path dataDir = Path.of(settings.text("bridge.data-dir"));
        // Camel turns message history on with the debugger (camel.debug.standby, for Hawtio's debug tab), and
        // the backlog tracer, even idle, then copies every message at every step (about a sixth of the CPU
        // under load). Breakpoints, stepping and the suspended message work without it.
        camel.setMessageHistory(false);
        camel.getCamelContextExtension().setManagementMBeanAssembler(new SharedMBeanInfo(camel));

        HikariDataSource dataSource = Database.pool(settings.text("bridge.db.url"), settings.text("bridge.db.user"),
                settings.text("bridge.db.password"), settings.integer("bridge.db.pool-size"));
        // the store opens and migrates while Camel builds the routes; the services after this one and the routes start once it is done
        camel.addService(new SchemaMigration(dataSource).begin());

        CredentialCipher cipher = new CredentialCipher(
                BridgeSecrets.masterKey(settings.text("bridge.master.secret-key"), dataDir.resolve("master.key")));
        String adminToken = BridgeSecrets.token(settings.text("bridge.admin.token"), dataDir.resolve("admin.token"),
                "admin token (BRIDGE_ADMIN_TOKEN)");

        // on H2, webhooks arriving together share one commit (GroupCommit); PostgreSQL groups its commits itself
        GroupCommit groupCommit = null;
        if (dataSource.getJdbcUrl().startsWith("jdbc:h2:")) {
            groupCommit = new GroupCommit(dataSource, settings.integer("bridge.db.group-commit-max"));
            camel.addService(groupCommit);
        }
        Jdbc jdbc = new Jdbc(dataSource, groupCommit);
        // the bridge's metrics join Camel's in the registry scraped at /observe/metrics (set up before this runs)
        MeterRegistry meters = camel.getRegistry().lookupByNameAndType(MicrometerConstants.METRICS_REGISTRY_NAME, MeterRegistry.class);
        if (meters == null) {
            meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            camel.getRegistry().bind(MicrometerConstants.METRICS_REGISTRY_NAME, meters);
        }
        bindJvmMetrics(meters);
        if (groupCommit != null) {
            BridgeMetrics.groupCommits(meters, groupCommit);
        }
        // The webhook's route is timed by ops.WebhookTiming instead (bridge_webhook_seconds, by status): for it,
        // the policy was 7% of the HTTP event loop's time (BENCHMARKS.md, session 22).
        // Five routes run only inside others, whose metrics already time them: recording, what follows it
        // (bridge_verifications_received counts that) and writing the JSON answer, inside the webhook's, the
        // file drop's and the admin API's routes; an attempt's call and its look at Yotpo's history, inside
        // deliver-accepted and deliver-claimed (bridge_awards counts each outcome). Their own would cost
        // every webhook three more rounds of Camel's route policy (String.format calls, a timer, a map of
        // exchange properties), every award one or two: without them a webhook costs about a tenth less CPU
        // (BENCHMARKS.md, session 9), and the policy was 4% of the deliverers' time, two rounds an award (session 20)
        camel.getRoutePolicyFactories().stream().filter(MicrometerRoutePolicyFactory.class::isInstance)
                .map(MicrometerRoutePolicyFactory.class::cast)
                .forEach(factory -> factory.getPolicyConfiguration()
                        .setExcludePattern("intake-webhook,record-verification,recorded,answer-json,deliver,check-yotpo-history"));
        CircuitBreaker breaker = YotpoBreaker.create(
                settings.integer("yotpo.breaker.sliding-window-size"),
                settings.integer("yotpo.breaker.minimum-number-of-calls"),
                settings.integer("yotpo.breaker.failure-rate-threshold"),
                Duration.ofSeconds(settings.integer("yotpo.breaker.wait-seconds-in-open-state")),
                settings.integer("yotpo.breaker.half-open-calls"));
        BridgeMetrics metrics = new BridgeMetrics(meters, jdbc, clock,
                Duration.ofSeconds(settings.integer("bridge.metrics.refresh-seconds")), breaker, camel);
        MerchantRegistry merchants = new MerchantRegistry(dataSource, cipher, settings.integer("bridge.merchants.cache-ms"),
                System::nanoTime);
        Duration lease = Duration.ofSeconds(settings.integer("bridge.delivery.lease-seconds"));
        // a claim this young need not be renewed before its call: twice the call's timeouts are still left of its lease
        Duration callTimeouts = Duration.ofMillis(settings.integer("yotpo.connect-timeout-ms") + settings.integer("yotpo.response-timeout-ms"));
        Ledger ledger = new Ledger(jdbc, clock, lease, lease.minus(callTimeouts.multipliedBy(2)),
                settings.integer("bridge.delivery.history-checks"), metrics);
        RetryPolicy retries = new RetryPolicy(Duration.ofSeconds(settings.integer("bridge.delivery.retry-initial-seconds")),
                Duration.ofSeconds(settings.integer("bridge.delivery.retry-max-seconds")),
                Duration.ofHours(settings.integer("bridge.delivery.retry-horizon-hours")));

        Registry registry = camel.getRegistry();
        LogMask logMask = new LogMask();
        registry.bind(MaskingFormatter.CUSTOM_LOG_MASK_REF, logMask);
        // Camel's tracer logs every header and body unmasked; with tracing on, its lines are masked too
        DefaultExchangeFormatter traceFormat = new DefaultExchangeFormatter();
        traceFormat.setShowExchangeId(true);
        traceFormat.setShowHeaders(true);
        traceFormat.setStyle(DefaultExchangeFormatter.OutputStyle.Default);
        camel.getTracer().setExchangeFormatter(logMask.masking(traceFormat));
        registry.bind("dataSource", dataSource);
        if (settings.bool("bridge.webhook.event-loop")) {
            // Camel's platform-http takes its engine from here (else it makes its own): the webhook's route runs on the event loop
            registry.bind("platform-http-engine", new EventLoopHttpEngine(Set.of(WEBHOOK_PATH)));
        }
        registry.bind("bridgeMetrics", metrics);
        registry.bind("databaseHealth", new DatabaseHealthCheck(dataSource));
        registry.bind("yotpoCircuitHealth", new YotpoBreakerHealthCheck(breaker));
        registry.bind("openApi", new OpenApiDocument());
        registry.bind("ledger", ledger);
        registry.bind("merchants", merchants);
        VerificationRules rules = new VerificationRules(clock);
        registry.bind("verificationRules", rules);
        WebhookGuard guard = new WebhookGuard(merchants,
                new SignatureVerifier(settings.integer("bridge.webhook.tolerance-seconds")), clock);
        registry.bind("webhookGuard", guard);
        HttpAnswers answers = new HttpAnswers();
        registry.bind("httpAnswers", answers);
        bindWebhookSteps(registry, guard, rules, ledger, metrics, answers);
        AdminApi admin = new AdminApi(adminToken, merchants,
                new MerchantForm(settings.integer("bridge.delivery.default-rate-limit-per-second")), ledger);
        registry.bind("admin", admin);
        camel.addStartupListener(new WebhookTiming(metrics, WEBHOOK_PATH));
        camel.addStartupListener(new HttpErrorPages(admin::admits));
        Duration rateWindow = Duration.ofMillis(1000 + settings.integer("bridge.delivery.rate-window-margin-ms"));
        // on an embedded H2 this process is the only instance: its rate slots need not be rows all instances share
        MerchantRateLimiter rateLimiter = Database.isEmbeddedH2(dataSource.getJdbcUrl())
                ? MerchantRateLimiter.inMemory(jdbc, rateWindow, lease) : new MerchantRateLimiter(jdbc, rateWindow, lease);
        // two rounds of the deliverers: enough to keep them busy, too few for a claim's lease to run out in a queue
        Deliveries deliveries = new Deliveries(ledger, merchants, rateLimiter, settings.integer("bridge.delivery.batch-size"),
                2 * settings.integer("bridge.delivery.concurrency"));
        registry.bind("deliveries", deliveries);
        // a claim pass the store refused, said at most once a minute (routes/a-error-handling.camel.yaml, claim-passes)
        registry.bind("claimPassFailures", new RepeatedFailure(LoggerFactory.getLogger(Deliveries.class), "Deliveries wait for the store"));
        YotpoCall yotpoCall = new YotpoCall(merchants);
        registry.bind("yotpoCall", yotpoCall);
        HttpClientConfigurer yotpoCredentials = new YotpoCredentials(merchants);
        camel.getComponent("http", HttpComponent.class).setHttpClientConfigurer(yotpoCredentials);
        camel.getComponent("https", HttpComponent.class).setHttpClientConfigurer(yotpoCredentials);
        registry.bind("yotpoHistory", new YotpoHistory());
        registry.bind("yotpoBreaker", breaker);
        YotpoOutcomes outcomes = new YotpoOutcomes(ledger, retries, rateLimiter, clock,
                Duration.ofSeconds(settings.integer("yotpo.breaker.wait-seconds-in-open-state")),
                Duration.ofSeconds(settings.integer("bridge.delivery.history-delay-seconds")));
        registry.bind("yotpoOutcomes", outcomes);
        bindDeliverySteps(registry, deliveries, yotpoCall, outcomes);

        FileDropProgress fileDropProgress = new FileDropProgress();
        registry.bind("fileDropProgress", fileDropProgress);
        registry.bind("fileDrop", new FileDrop(merchants, rules, fileDropProgress, clock,
                settings.integer("bridge.inbox.progress-every"), settings.integer("bridge.inbox.batch-size")));
        InboxClaims inboxClaims = new InboxClaims(jdbc, camel, Duration.ofSeconds(settings.integer("bridge.inbox.claim-lease-seconds")));
        registry.bind("inboxClaims", inboxClaims);
        camel.addService(inboxClaims);

        if (hawtioEnabled) {
            String hawtioPassword = BridgeSecrets.token(settings.text("bridge.hawtio.password"),
                    dataDir.resolve("hawtio.password"), "Hawtio password (HAWTIO_PASSWORD)");
            HawtioConsole hawtio = new HawtioConsole(settings.text("bridge.hawtio.host"),
                    settings.integer("bridge.hawtio.port"), settings.text("bridge.hawtio.user"), hawtioPassword);
            registry.bind("hawtioConsole", hawtio);
            camel.addService(hawtio);
            // its server starts beside the routes and must be listening once they have (else the start fails);
            // Hawtio itself is deployed on the console's first request
            camel.addStartupListener(hawtio);
        }
    }

    /**
     * The steps every webhook passes, bound as Camel processors for the YAML routes ({@code process: ref:
     * ...}) rather than called as bean methods: Camel's bean binding chooses the method and evaluates each
     * annotated parameter again on every call, which was a fifth of the worker threads' time a webhook.
     * Each processor takes the method's arguments from the exchange (its headers, body and the property
     * merchant that admitMerchant sets) and calls it; no route calls these methods as beans. Six alternating
     * warm runs each: 0.22 ms of CPU a webhook on average against 0.24 (BENCHMARKS.md, session 9).
     */
    private static void bindWebhookSteps(Registry registry, WebhookGuard guard, VerificationRules rules, Ledger ledger,
            BridgeMetrics metrics, HttpAnswers answers) {
        registry.bind("requireJson", (Processor) exchange -> WebhookGuard.requireJson(header(exchange, "Content-Type")));
        // converted in place: Camel's convertBodyTo copies the HTTP consumer's message, headers and all, into a new one
        registry.bind("bodyAsBytes", (Processor) exchange -> exchange.getMessage().setBody(exchange.getMessage().getBody(byte[].class)));
        // The webhook's route runs on the HTTP event loop (EventLoopHttpEngine): the three steps that may need
        // the store do without it when they can (a merchant in the cache, fresh metrics labels) and otherwise
        // run on a worker thread; the insert waits for its group commit without a thread (EventLoopSteps).
        registry.bind("admitMerchant", EventLoopSteps.inlineOrOnWorker((exchange, mayBlock) -> guard.admit(exchange, mayBlock,
                header(exchange, "merchantId"), header(exchange, "Authorization"), header(exchange, "webhook-id"),
                header(exchange, "webhook-timestamp"), header(exchange, "webhook-signature"), exchange.getMessage().getBody(byte[].class))));
        registry.bind("verificationFromJson", (Processor) exchange -> exchange.getMessage().setBody(
                rules.fromJson(header(exchange, "merchantId"), exchange.getMessage().getBody(byte[].class))));
        registry.bind("recordOnce", EventLoopSteps.awaiting(
                exchange -> ledger.recordOnceLater(exchange.getMessage().getBody(VerificationEvent.class),
                        exchange.getProperty("merchant", Merchant.class)),
                (exchange, recorded) -> exchange.getMessage().setBody(recorded),
                exchange -> exchange.getMessage().setBody(ledger.recordOnce(exchange.getMessage().getBody(VerificationEvent.class),
                        exchange.getProperty("merchant", Merchant.class)))));
        registry.bind("countRefused", EventLoopSteps.inlineOrOnWorker((exchange, mayBlock) -> metrics.refused(exchange, mayBlock,
                header(exchange, "merchantId"), exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class))));
        registry.bind("countReceived", (Processor) exchange -> metrics.received(exchange.getMessage().getBody(Recorded.class), exchange));
        registry.bind("answerRecorded", (Processor) exchange -> exchange.getMessage().setBody(answers.recorded(exchange)));
        registry.bind("keepOnlyAnswerHeaders", (Processor) exchange -> HttpAnswers.keepOnlyAnswerHeaders(exchange.getMessage()));
        registry.bind("bodyAsJson", (Processor) exchange -> HttpAnswers.bodyAsJson(exchange.getMessage()));
    }

    /**
     * The steps every award passes (and the webhook's hand-off to delivery), bound as processors and
     * predicates for the same reason as {@link #bindWebhookSteps}: each was a Camel bean call, eight an
     * award. The steps of rarer paths (a failed call, a history check) stay bean calls in the routes.
     */
    private static void bindDeliverySteps(Registry registry, Deliveries deliveries, YotpoCall yotpoCall,
            YotpoOutcomes outcomes) {
        registry.bind("startsNow", (Predicate) exchange -> deliveries.startsNow(exchange.getMessage().getBody(Recorded.class)));
        registry.bind("claimNow", (Processor) exchange -> exchange.getMessage().setBody(
                deliveries.claimNow(exchange.getMessage().getBody(Recorded.class))));
        registry.bind("holdClaim", (Processor) exchange -> deliveries.holdClaim(delivery(exchange)));
        registry.bind("enrichForYotpo", (Processor) yotpoCall::enrich);
        registry.bind("checkHistoryFirst", (Predicate) exchange -> delivery(exchange).checkFirst());
        registry.bind("yotpoActionRequest", (Processor) yotpoCall::actionRequest);
        registry.bind("raiseIfYotpoDown", (Processor) exchange -> outcomes.raiseIfYotpoDown(responseCode(exchange)));
        registry.bind("raiseYotpoFault", (Processor) exchange -> outcomes.raiseFault(
                exchange.getProperty(YotpoOutcomes.FAULT, Exception.class)));
        registry.bind("yotpoAnswered", (Processor) exchange -> outcomes.answered(delivery(exchange),
                exchange.getProperty(YotpoCall.MERCHANT, Merchant.class), exchange.getProperty(YotpoCall.ACTION_NAME, String.class),
                responseCode(exchange), header(exchange, "Retry-After"), header(exchange, "ratelimit-reset"),
                exchange.getMessage().getBody(String.class)));
        registry.bind("deliveryFinished", (Processor) exchange -> deliveries.finished(delivery(exchange)));
        registry.bind("wantsMore", (Predicate) exchange -> deliveries.wantsMore());
    }

    private static Delivery delivery(Exchange exchange) {
        return exchange.getProperty(YotpoCall.DELIVERY, Delivery.class);
    }

    private static int responseCode(Exchange exchange) {
        return exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
    }

    private static String header(Exchange exchange, String name) {
        return exchange.getMessage().getHeader(name, String.class);
    }

    /**
     * The JVM's metrics (memory, GC, threads, CPU, uptime), bound here rather than named in
     * camel.metrics.binders: Camel finds named binders by reading Micrometer's whole class index
     * (Jandex) at start, about a tenth of a second of the start on a small machine.
     */
    private static void bindJvmMetrics(MeterRegistry meters) {
        for (MeterBinder binder : List.of(new JvmMemoryMetrics(), new GcPauseMetrics(), new JvmThreadMetrics(),
                new ProcessorMetrics(), new UptimeMetrics())) {
            binder.bindTo(meters);
        }
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

        boolean bool(String key) {
            return Boolean.parseBoolean(text(key).trim());
        }
    }
}
