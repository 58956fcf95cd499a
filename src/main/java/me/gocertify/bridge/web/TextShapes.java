package me.gocertify.bridge.web;

import java.util.Locale;

/**
 * The shapes of the identifiers clients send (merchant ids, and the webhook's and the file drop's
 * fields), checked a character at a time against ASCII tables rather than with java.util.regex: the
 * patterns (kept in VerificationRulesTest and TextShapesTest, which hold these checks to them) tested
 * each character through a chain of predicates and allocated matcher state for every field of every
 * webhook: 3% of the HTTP event loop's time and 6% of what it allocated (BENCHMARKS.md, session 23).
 * Each check answers false for null.
 */
public final class TextShapes {

    private static final String DIGITS = "0123456789";
    private static final String LOWER = "abcdefghijklmnopqrstuvwxyz";
    private static final String LETTERS_DIGITS = LOWER.toUpperCase(Locale.ROOT) + LOWER + DIGITS;
    private static final boolean[] LETTER_OR_DIGIT = asciiTable(LETTERS_DIGITS);
    /** merchant id: [A-Za-z0-9][A-Za-z0-9._-]{0,63} */
    private static final boolean[] MERCHANT_ID_CHARS = asciiTable(LETTERS_DIGITS + "._-");
    /** verification_id: 1 to 128 of A-Z a-z 0-9 . _ : - */
    private static final boolean[] VERIFICATION_ID_CHARS = asciiTable(LETTERS_DIGITS + "._:-");
    /** campaign: [a-z0-9][a-z0-9-]{0,62} */
    private static final boolean[] CAMPAIGN_FIRST = asciiTable(LOWER + DIGITS);
    private static final boolean[] CAMPAIGN_CHARS = asciiTable(LOWER + DIGITS + "-");
    /** email: 1 to 64 of these, @, then two or more dot-separated labels of 1 to 63 letters, digits and inner hyphens */
    private static final boolean[] EMAIL_LOCAL_CHARS = asciiTable(LETTERS_DIGITS + ".!#$%&'*+/=?^_`{|}~-");
    private static final boolean[] LABEL_CHARS = asciiTable(LETTERS_DIGITS + "-");

    private TextShapes() {
    }

    /** 1 to 64 of A-Z a-z 0-9 . _ -, the first a letter or digit. */
    public static boolean isMerchantId(String text) {
        return text != null && !text.isEmpty() && text.length() <= 64 && onlyFrom(LETTER_OR_DIGIT, text, 0, 1)
                && onlyFrom(MERCHANT_ID_CHARS, text, 1, text.length());
    }

    /** 1 to 128 of A-Z a-z 0-9 . _ : - */
    public static boolean isVerificationId(String text) {
        return text != null && !text.isEmpty() && text.length() <= 128 && onlyFrom(VERIFICATION_ID_CHARS, text, 0, text.length());
    }

    /** [a-z0-9][a-z0-9-]{0,62} */
    public static boolean isCampaign(String text) {
        return text != null && !text.isEmpty() && text.length() <= 63 && onlyFrom(CAMPAIGN_FIRST, text, 0, 1)
                && onlyFrom(CAMPAIGN_CHARS, text, 1, text.length());
    }

    /** An address of at most 254 characters: a local part of 1 to 64, @, a domain of two or more labels. */
    public static boolean isEmail(String text) {
        if (text == null || text.length() > 254) {
            return false;
        }
        int at = text.indexOf('@');
        if (at < 1 || at > 64 || !onlyFrom(EMAIL_LOCAL_CHARS, text, 0, at)) {
            return false;
        }
        int labels = 0;
        int start = at + 1;
        while (true) {
            int dot = text.indexOf('.', start);
            int end = dot < 0 ? text.length() : dot;
            if (!isLabel(text, start, end)) {
                return false;
            }
            labels++;
            if (dot < 0) {
                return labels >= 2;
            }
            start = dot + 1;
        }
    }

    /** A domain label: 1 to 63 letters, digits and hyphens, neither first nor last a hyphen. */
    private static boolean isLabel(String text, int from, int to) {
        return to - from >= 1 && to - from <= 63 && text.charAt(from) != '-' && text.charAt(to - 1) != '-'
                && onlyFrom(LABEL_CHARS, text, from, to);
    }

    /** Whether text[from, to) holds only characters of the table (every one ASCII). */
    private static boolean onlyFrom(boolean[] table, String text, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c >= table.length || !table[c]) {
                return false;
            }
        }
        return true;
    }

    private static boolean[] asciiTable(String characters) {
        boolean[] table = new boolean[128];
        characters.chars().forEach(c -> table[c] = true);
        return table;
    }
}
