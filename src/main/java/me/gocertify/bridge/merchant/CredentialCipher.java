package me.gocertify.bridge.merchant;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keeps merchant credentials encrypted at rest: AES-256-GCM, a random 96-bit IV per value, the
 * merchant id as associated data (so a value copied to another merchant's row does not decrypt).
 * Stored form: base64(IV || ciphertext || tag).
 */
public final class CredentialCipher {

    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKey key;
    private final SecureRandom random = new SecureRandom();

    public CredentialCipher(byte[] masterKey) {
        if (masterKey.length != 32) {
            throw new IllegalArgumentException("the master key must be 32 bytes (AES-256)");
        }
        this.key = new SecretKeySpec(masterKey, "AES");
    }

    public String encrypt(String merchantId, String plaintext) {
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, merchantId, iv);
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(ByteBuffer.allocate(IV_BYTES + sealed.length).put(iv).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("encryption failed", e);
        }
    }

    public String decrypt(String merchantId, String stored) {
        byte[] all = Base64.getDecoder().decode(stored);
        try {
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, merchantId, java.util.Arrays.copyOf(all, IV_BYTES));
            return new String(cipher.doFinal(all, IV_BYTES, all.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            // no cause attached: the message must not carry key material
            throw new IllegalStateException("stored credentials of merchant " + merchantId
                    + " do not decrypt with the configured master key");
        }
    }

    private Cipher cipher(int mode, String merchantId, byte[] iv) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, iv));
        cipher.updateAAD(merchantId.getBytes(StandardCharsets.UTF_8));
        return cipher;
    }
}
