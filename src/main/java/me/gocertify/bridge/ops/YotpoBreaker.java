package me.gocertify.bridge.ops;

import org.apache.camel.CamelContext;
import org.apache.camel.component.resilience4j.ResilienceProcessor;

/** The state of the circuit breaker around the Yotpo call (the circuitBreaker with this id in deliver.camel.yaml). */
public final class YotpoBreaker {

    public static final String EIP_ID = "yotpo-breaker";

    private final CamelContext camel;

    public YotpoBreaker(CamelContext camel) {
        this.camel = camel;
    }

    /** CLOSED, OPEN, HALF_OPEN, ... as resilience4j names it; UNKNOWN before the route has started. */
    public String state() {
        ResilienceProcessor processor = camel.getProcessor(EIP_ID, ResilienceProcessor.class);
        String state = processor == null ? null : processor.getCircuitBreakerState();
        return state == null ? "UNKNOWN" : state;
    }
}
