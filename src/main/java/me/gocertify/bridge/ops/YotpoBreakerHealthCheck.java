package me.gocertify.bridge.ops;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Shows the Yotpo circuit state. Always UP: while the breaker is open the webhook still records
 * verifications, so the bridge stays ready (contract 7).
 */
public final class YotpoBreakerHealthCheck extends AbstractHealthCheck {

    private final CircuitBreaker breaker;

    public YotpoBreakerHealthCheck(CircuitBreaker breaker) {
        super("bridge", "yotpo-circuit");
        this.breaker = breaker;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        String state = breaker.getState().name();
        builder.detail("circuit.state", state);
        builder.message("Yotpo circuit breaker " + state);
        builder.up();
    }
}
