package me.gocertify.bridge.yotpo;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;

/**
 * The one circuit breaker around every call to Yotpo (the award and the history look-up share it),
 * used by the routes' circuitBreaker EIPs. Only Yotpo-wide trouble reaches it as a failure: 5xx
 * and 408 (YotpoUnavailable), timeouts and I/O errors; a 4xx never throws inside the breaker.
 */
public final class YotpoBreaker {

    private static final Logger LOG = LoggerFactory.getLogger(YotpoBreaker.class);

    private YotpoBreaker() {
    }

    public static CircuitBreaker create(int slidingWindowSize, int minimumCalls, int failureRatePercent,
            Duration waitInOpenState, int halfOpenCalls) {
        CircuitBreaker breaker = CircuitBreaker.of("yotpo", CircuitBreakerConfig.custom()
                .slidingWindowSize(slidingWindowSize)
                .minimumNumberOfCalls(minimumCalls)
                .failureRateThreshold(failureRatePercent)
                .waitDurationInOpenState(waitInOpenState)
                .permittedNumberOfCallsInHalfOpenState(halfOpenCalls)
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .build());
        breaker.getEventPublisher().onStateTransition(event -> {
            CircuitBreaker.StateTransition transition = event.getStateTransition();
            if (transition.getToState() == CircuitBreaker.State.OPEN) {
                LOG.warn("Yotpo circuit breaker {}: calls to Yotpo stop for {} s; verifications wait as PENDING",
                        transition, waitInOpenState.toSeconds());
            } else {
                LOG.info("Yotpo circuit breaker {}", transition);
            }
        });
        return breaker;
    }
}
