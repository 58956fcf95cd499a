package me.gocertify.bridge.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.regex.Pattern;

import me.gocertify.bridge.web.ClientError;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * VerificationRules checks the three fields' shapes a character at a time (web.TextShapes); these are the shapes as
 * regular expressions (the contract's, section 3, and the address rule the bridge has always used),
 * and every string tried must be accepted by one exactly when the other matches it.
 */
class VerificationRulesTest {

    private static final Pattern VERIFICATION_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final Pattern CAMPAIGN = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}"
            + "@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+");
    private static final String VALID_ID = "v-1";
    private static final String VALID_CAMPAIGN = "students";
    private static final String VALID_EMAIL = "jane@example.com";

    private final VerificationRules rules = new VerificationRules(Clock.fixed(Instant.parse("2026-11-25T10:15:30Z"), ZoneOffset.UTC));

    @Property(tries = 3000)
    void aVerificationIdIsAcceptedExactlyWhenItHasTheContractsShape(@ForAll("ids") String id) {
        assertThat(refusedField(id, VALID_CAMPAIGN, VALID_EMAIL) == null)
                .as("verification_id %s", id).isEqualTo(VERIFICATION_ID.matcher(id).matches());
    }

    @Property(tries = 3000)
    void aCampaignIsAcceptedExactlyWhenItHasTheContractsShape(@ForAll("campaigns") String campaign) {
        assertThat(refusedField(VALID_ID, campaign, VALID_EMAIL) == null)
                .as("campaign %s", campaign).isEqualTo(CAMPAIGN.matcher(campaign).matches());
    }

    @Property(tries = 5000)
    void anEmailIsAcceptedExactlyWhenItHasTheAddressShape(@ForAll("emails") String email) {
        assertThat(refusedField(VALID_ID, VALID_CAMPAIGN, email) == null)
                .as("email %s", email).isEqualTo(email.length() <= 254 && EMAIL.matcher(email).matches());
    }

    @Example
    void theEdgesOfEachShape() {
        assertThat(refusedField("a".repeat(128), VALID_CAMPAIGN, VALID_EMAIL)).isNull();
        assertThat(refusedField("a".repeat(129), VALID_CAMPAIGN, VALID_EMAIL)).isEqualTo("verification_id");
        assertThat(refusedField(VALID_ID, "a" + "-".repeat(62), VALID_EMAIL)).isNull();
        assertThat(refusedField(VALID_ID, "a" + "-".repeat(63), VALID_EMAIL)).isEqualTo("campaign");
        assertThat(refusedField(VALID_ID, "-students", VALID_EMAIL)).isEqualTo("campaign");
        assertThat(refusedField(VALID_ID, VALID_CAMPAIGN, "o'neil+x@mail.example.co.uk")).isNull();
        assertThat(refusedField(VALID_ID, VALID_CAMPAIGN, "a".repeat(64) + "@b.co")).isNull();
        assertThat(refusedField(VALID_ID, VALID_CAMPAIGN, "a".repeat(65) + "@b.co")).isEqualTo("email");
        assertThat(refusedField(VALID_ID, VALID_CAMPAIGN, "a@" + "b".repeat(63) + ".co")).isNull();
        assertThat(refusedField(VALID_ID, VALID_CAMPAIGN, "a@" + "b".repeat(64) + ".co")).isEqualTo("email");
        for (String broken : new String[] {"a@b", "a@b.", "a@.b", "a@b..c", "@b.co", "a@-b.co", "a@b-.co", "a@b.c-", "a@@b.co",
                "a b@c.co", "jane@exämple.com", "jäne@example.com", "a@b.co\n"}) {
            assertThat(refusedField(VALID_ID, VALID_CAMPAIGN, broken)).as(broken).isEqualTo("email");
        }
        assertThat(refusedField(VALID_ID, VALID_CAMPAIGN, "a@b-c.d-e.co")).isNull();
    }

    @Provide
    Arbitrary<String> ids() {
        return Arbitraries.strings().withChars("aZ09._:-/ é").ofMinLength(1).ofMaxLength(140)
                .edgeCases(edges -> edges.add("a".repeat(128)));
    }

    @Provide
    Arbitrary<String> campaigns() {
        return Arbitraries.strings().withChars("az09-A_ ").ofMinLength(1).ofMaxLength(70);
    }

    /** Mostly near-addresses: labels, dots, hyphens and @ in every order, with the odd stranger. */
    @Provide
    Arbitrary<String> emails() {
        Arbitrary<String> piece = Arbitraries.oneOf(
                Arbitraries.strings().withChars("aZ09").ofMinLength(1).ofMaxLength(70),
                Arbitraries.of(".", "-", "@", "+", "'", "_", "..", "-.", ".-", " ", "é", "\u0000", "~"));
        return piece.list().ofMinSize(1).ofMaxSize(9).map(parts -> String.join("", parts));
    }

    /** The field VerificationRules refuses, or null when it accepts. */
    private String refusedField(String id, String campaign, String email) {
        try {
            rules.of("acme", id, campaign, email, null, null, Instant.parse("2026-11-25T10:15:30Z"));
            return null;
        } catch (ClientError refused) {
            return (String) refused.body().get("field");
        }
    }

    @Example
    void aRefusalNamesTheFieldButNeverEchoesItsValue() {
        assertThatThrownBy(() -> rules.of("acme", VALID_ID, VALID_CAMPAIGN, "secret-looking@", null, null, Instant.EPOCH))
                .isInstanceOf(ClientError.class).hasMessageNotContaining("secret-looking");
    }
}
