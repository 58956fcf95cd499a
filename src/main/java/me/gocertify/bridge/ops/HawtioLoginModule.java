package me.gocertify.bridge.ops;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Principal;
import java.util.Map;

import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.login.LoginException;
import javax.security.auth.spi.LoginModule;

/**
 * Hawtio's JAAS login: one operator, HAWTIO_USER with HAWTIO_PASSWORD, given the single role
 * Hawtio is told to require. The expected user and password come as the module's options.
 */
public final class HawtioLoginModule implements LoginModule {

    static final String USER_OPTION = "user";
    static final String PASSWORD_OPTION = "password";
    static final String ROLE = "admin";

    /** The operator's name. */
    public record User(String getName) implements Principal {
    }

    /** The role Hawtio checks (hawtio.rolePrincipalClasses names this class). */
    public record Role(String getName) implements Principal {
    }

    private Subject subject;
    private CallbackHandler callbacks;
    private Map<String, ?> options;
    private String authenticated;

    @Override
    public void initialize(Subject subject, CallbackHandler callbackHandler, Map<String, ?> sharedState, Map<String, ?> options) {
        this.subject = subject;
        this.callbacks = callbackHandler;
        this.options = options;
    }

    @Override
    public boolean login() throws LoginException {
        NameCallback name = new NameCallback("user");
        PasswordCallback password = new PasswordCallback("password", false);
        try {
            callbacks.handle(new Callback[] {name, password});
        } catch (Exception e) {
            throw new LoginException("cannot read the credentials");
        }
        char[] given = password.getPassword();
        password.clearPassword();
        boolean userMatches = sameText(name.getName(), (String) options.get(USER_OPTION));
        boolean passwordMatches = given != null && sameText(new String(given), (String) options.get(PASSWORD_OPTION));
        if (!userMatches || !passwordMatches) {
            throw new FailedLoginException("wrong user or password");
        }
        authenticated = name.getName();
        return true;
    }

    @Override
    public boolean commit() {
        if (authenticated == null) {
            return false;
        }
        subject.getPrincipals().add(new User(authenticated));
        subject.getPrincipals().add(new Role(ROLE));
        return true;
    }

    @Override
    public boolean abort() {
        authenticated = null;
        return true;
    }

    @Override
    public boolean logout() {
        subject.getPrincipals().removeIf(p -> p instanceof User || p instanceof Role);
        authenticated = null;
        return true;
    }

    // digests of equal length compared in constant time, so neither content nor length leaks by timing
    private static boolean sameText(String given, String expected) {
        if (given == null || expected == null || expected.isEmpty()) {
            return false;
        }
        return MessageDigest.isEqual(sha256(given), sha256(expected));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
