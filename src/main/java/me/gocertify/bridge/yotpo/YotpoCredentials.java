package me.gocertify.bridge.yotpo;

import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpRequestInterceptor;
import org.apache.hc.core5.http.protocol.HttpContext;

import me.gocertify.bridge.merchant.Merchant;
import me.gocertify.bridge.merchant.MerchantRegistry;

/**
 * Puts a merchant's Yotpo credentials (x-guid, x-api-key) on a request only as the HTTP client sends
 * it. The Camel message names the merchant ({@link #MERCHANT_HEADER}) and never carries the
 * credentials, so Hawtio's trace and debug tabs, Camel's error logs and exchange dumps cannot show them.
 * (camel-http has no per-exchange hook for headers it should not see; an HttpClient interceptor is
 * where its own authentication configurers add theirs too.)
 */
public final class YotpoCredentials implements HttpClientConfigurer, HttpRequestInterceptor {

    /** The merchant whose credentials the request needs; removed before the request leaves. */
    public static final String MERCHANT_HEADER = "x-bridge-merchant";

    private final MerchantRegistry merchants;

    public YotpoCredentials(MerchantRegistry merchants) {
        this.merchants = merchants;
    }

    @Override
    public void configureHttpClient(HttpClientBuilder client) {
        client.addRequestInterceptorLast(this);
    }

    @Override
    public void process(HttpRequest request, EntityDetails entity, HttpContext context) {
        Header named = request.getFirstHeader(MERCHANT_HEADER);
        if (named == null) {
            return;
        }
        request.removeHeaders(MERCHANT_HEADER);
        Merchant merchant = merchants.find(named.getValue())
                .orElseThrow(() -> new IllegalStateException("merchant " + named.getValue() + " is no longer registered"));
        request.setHeader("x-guid", merchant.yotpoGuid());
        request.setHeader("x-api-key", merchant.yotpoApiKey());
    }
}
