package me.gocertify.bridge.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The merchant id's shape, as the pattern it was checked with before TextShapes (the admin API's, the
 * webhook's path and the file drop's merchant_id): every string tried must be accepted by one exactly when
 * the other matches it. The webhook's fields are held to theirs through VerificationRules (VerificationRulesTest).
 */
class TextShapesTest {

    private static final Pattern MERCHANT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern CAMPAIGN = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    @Property(tries = 3000)
    void aMerchantIdIsAcceptedExactlyWhenItMatchesThePattern(@ForAll("merchantIds") String id) {
        assertThat(TextShapes.isMerchantId(id)).as("merchant id %s", id).isEqualTo(MERCHANT_ID.matcher(id).matches());
    }

    @Property(tries = 1000)
    void anActionOverridesCampaignIsAcceptedExactlyWhenItMatchesThePattern(@ForAll("campaigns") String campaign) {
        assertThat(TextShapes.isCampaign(campaign)).as("campaign %s", campaign).isEqualTo(CAMPAIGN.matcher(campaign).matches());
    }

    @Example
    void theEdgesAndNothing() {
        assertThat(TextShapes.isMerchantId("a".repeat(64))).isTrue();
        assertThat(TextShapes.isMerchantId("a".repeat(65))).isFalse();
        assertThat(TextShapes.isMerchantId(".acme")).isFalse();
        assertThat(TextShapes.isMerchantId("Acme_1.eu-west")).isTrue();
        for (String empty : new String[] {null, ""}) {
            assertThat(TextShapes.isMerchantId(empty)).isFalse();
            assertThat(TextShapes.isVerificationId(empty)).isFalse();
            assertThat(TextShapes.isCampaign(empty)).isFalse();
            assertThat(TextShapes.isEmail(empty)).isFalse();
        }
    }

    @Provide
    Arbitrary<String> merchantIds() {
        return Arbitraries.strings().withChars("aZ09._-:/ é").ofMinLength(0).ofMaxLength(70)
                .edgeCases(edges -> edges.add("a".repeat(64)));
    }

    @Provide
    Arbitrary<String> campaigns() {
        return Arbitraries.strings().withChars("az09-A_ ").ofMinLength(0).ofMaxLength(70);
    }
}
