package me.gocertify.bridge.yotpo;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Message;

import com.fasterxml.jackson.core.JsonProcessingException;
import me.gocertify.bridge.merchant.Merchant;
import me.gocertify.bridge.merchant.MerchantRegistry;
import me.gocertify.bridge.verification.Delivery;
import me.gocertify.bridge.web.Json;

/** Builds the requests to Yotpo for a claimed verification (contract 5). */
public final class YotpoCall {

    public static final String DELIVERY = "delivery";
    public static final String MERCHANT = "merchant";
    public static final String ACTION_NAME = "actionName";

    private final MerchantRegistry merchants;

    public YotpoCall(MerchantRegistry merchants) {
        this.merchants = merchants;
    }

    /** Enriches the claimed verification with its merchant's decrypted credentials and its action name. */
    public void enrich(Exchange exchange) throws InvalidPayloadException {
        Delivery delivery = exchange.getMessage().getMandatoryBody(Delivery.class);
        Merchant merchant = merchants.find(delivery.merchantId())
                .orElseThrow(() -> new IllegalStateException("merchant " + delivery.merchantId() + " is no longer registered"));
        exchange.setProperty(DELIVERY, delivery);
        exchange.setProperty(MERCHANT, merchant);
        exchange.setProperty(ACTION_NAME, merchant.actionNameFor(delivery.campaign()));
    }

    /** The custom action: only the contract's fields in the body, the merchant named for its credentials, nothing else passed on. */
    public void actionRequest(Exchange exchange) throws JsonProcessingException {
        Delivery delivery = exchange.getProperty(DELIVERY, Delivery.class);
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("type", "CustomAction");
        payload.put("action_name", exchange.getProperty(ACTION_NAME, String.class));
        payload.put("customer_email", delivery.email());
        payload.put("created_at", DateTimeFormatter.ISO_INSTANT.format(delivery.verifiedAt()));
        Message message = request(exchange);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setBody(Json.MAPPER.writeValueAsBytes(payload));
    }

    /** The customer's history, to learn whether an attempt of unknown outcome was awarded. */
    public void historyRequest(Exchange exchange) {
        Delivery delivery = exchange.getProperty(DELIVERY, Delivery.class);
        Message message = request(exchange);
        message.setHeader(Exchange.HTTP_QUERY,
                "customer_email=" + URLEncoder.encode(delivery.email(), StandardCharsets.UTF_8) + "&with_history=true");
        message.setBody(null);
    }

    /** The message cleared of every header; the route's endpoint names the HTTP method. */
    private static Message request(Exchange exchange) {
        Merchant merchant = exchange.getProperty(MERCHANT, Merchant.class);
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        // the credentials themselves are added by the HTTP client (YotpoCredentials), never to the Camel message
        message.setHeader(YotpoCredentials.MERCHANT_HEADER, merchant.id());
        return message;
    }
}
