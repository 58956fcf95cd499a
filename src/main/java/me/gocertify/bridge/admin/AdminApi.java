package me.gocertify.bridge.admin;

import java.util.List;
import java.util.Map;

import org.apache.camel.Body;
import org.apache.camel.Header;

import me.gocertify.bridge.merchant.Merchant;
import me.gocertify.bridge.merchant.MerchantForm;
import me.gocertify.bridge.merchant.MerchantRegistry;
import me.gocertify.bridge.verification.Ledger;
import me.gocertify.bridge.web.ClientError;
import me.gocertify.bridge.web.TextShapes;
import me.gocertify.bridge.webhook.BearerToken;

/** The admin API (contract 4): merchant registry, verification status, dead letters and replay. */
public final class AdminApi {

    private final String adminToken;
    private final MerchantRegistry merchants;
    private final MerchantForm form;
    private final Ledger ledger;

    public AdminApi(String adminToken, MerchantRegistry merchants, MerchantForm form, Ledger ledger) {
        this.adminToken = adminToken;
        this.merchants = merchants;
        this.form = form;
        this.ledger = ledger;
    }

    public void authenticate(@Header("Authorization") String authorization) {
        if (!admits(authorization)) {
            throw ClientError.unauthorized();
        }
    }

    /** Whether the header carries the admin token (compared in constant time). */
    public boolean admits(String authorization) {
        return BearerToken.matches(authorization, List.of(adminToken));
    }

    public Map<String, Object> putMerchant(@Header("merchantId") String merchantId, @Body byte[] body) {
        return merchants.save(form.read(merchantId, body)).maskedView();
    }

    public Map<String, Object> merchant(@Header("merchantId") String merchantId) {
        return existing(merchantId).maskedView();
    }

    /** How many of the merchant's verifications stand in each status (beyond the contract, for operators). */
    public Map<String, Object> stats(@Header("merchantId") String merchantId) {
        existing(merchantId);
        return Map.of("merchant_id", merchantId, "verifications", ledger.countsByStatus(merchantId));
    }

    public Map<String, Object> verification(@Header("merchantId") String merchantId,
            @Header("verificationId") String verificationId) {
        return ledger.view(merchantId, verificationId)
                .orElseThrow(() -> ClientError.notFound("no such verification"));
    }

    public Map<String, Object> deadLetters(@Header("merchant_id") String merchantId) {
        return Map.of("items", ledger.deadLetters(merchantId == null || merchantId.isEmpty() ? null : merchantId));
    }

    public Map<String, Object> replay(@Header("merchantId") String merchantId) {
        existing(merchantId);
        return Map.of("requeued", ledger.replay(merchantId, null));
    }

    public Map<String, Object> replayOne(@Header("merchantId") String merchantId,
            @Header("verificationId") String verificationId) {
        verification(merchantId, verificationId);
        return Map.of("requeued", ledger.replay(merchantId, verificationId));
    }

    private Merchant existing(String merchantId) {
        if (!TextShapes.isMerchantId(merchantId)) {
            throw ClientError.notFound("no such merchant");
        }
        return merchants.findCurrent(merchantId).orElseThrow(() -> ClientError.notFound("no such merchant"));
    }
}
