package me.gocertify.bridge.verification;

import me.gocertify.bridge.merchant.Merchant;

/** A verification that passed the rules, with the merchant it is recorded for. */
public record Admitted(VerificationEvent event, Merchant merchant) {
}
