package me.gocertify.bridge.yotpo;

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

/** Turns a claimed verification into Yotpo's custom-action request (contract 5). */
public final class YotpoCall {

    public static final String DELIVERY = "delivery";
    public static final String MERCHANT = "merchant";
    public static final String ACTION_NAME = "actionName";

    private final MerchantRegistry merchants;

    public YotpoCall(MerchantRegistry merchants) {
        this.merchants = merchants;
    }

    /**
     * Enriches the delivery with the merchant's decrypted credentials and makes the request: only
     * the contract's fields in the body, the credentials in headers, no other header passed on.
     */
    public void prepare(Exchange exchange) throws JsonProcessingException, InvalidPayloadException {
        Delivery delivery = exchange.getMessage().getMandatoryBody(Delivery.class);
        Merchant merchant = merchants.find(delivery.merchantId())
                .orElseThrow(() -> new IllegalStateException("merchant " + delivery.merchantId() + " is no longer registered"));
        String actionName = merchant.actionNameFor(delivery.campaign());
        exchange.setProperty(DELIVERY, delivery);
        exchange.setProperty(MERCHANT, merchant);
        exchange.setProperty(ACTION_NAME, actionName);

        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("type", "CustomAction");
        payload.put("action_name", actionName);
        payload.put("customer_email", delivery.email());
        payload.put("created_at", DateTimeFormatter.ISO_INSTANT.format(delivery.verifiedAt()));

        Message message = exchange.getMessage();
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_METHOD, "POST");
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setHeader("x-guid", merchant.yotpoGuid());
        message.setHeader("x-api-key", merchant.yotpoApiKey());
        message.setBody(Json.MAPPER.writeValueAsBytes(payload));
    }

    /** Drops the credentials from the message as soon as the call is made. */
    public void forgetCredentials(Exchange exchange) {
        exchange.getMessage().removeHeader("x-guid");
        exchange.getMessage().removeHeader("x-api-key");
    }
}
