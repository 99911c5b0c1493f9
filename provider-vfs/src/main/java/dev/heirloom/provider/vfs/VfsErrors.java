package dev.heirloom.provider.vfs;

import dev.heirloom.spi.AuthenticationException;
import dev.heirloom.spi.InsufficientStorageException;
import dev.heirloom.spi.StorageException;
import dev.heirloom.spi.TargetUnavailableException;
import org.apache.commons.vfs2.FileSystemException;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.util.Locale;

/**
 * Turns Commons VFS's exceptions (a message code and a chain of causes) into the SPI's classes,
 * with a message that says what to do and never contains the password.
 */
final class VfsErrors {
    private VfsErrors() {
    }

    static StorageException translate(String what, IOException e, VfsSettings s) {
        String text = scrub(describe(e), s);
        // matched without the file URLs VFS quotes (a port such as 35073 is no status code)
        String lower = " " + text.replaceAll("\"[a-z0-9+.-]+://[^\"]*\"", "\"…\"").toLowerCase(Locale.ROOT) + " ";
        HostCheckingTrustManager.HostMismatch mismatch = find(e, HostCheckingTrustManager.HostMismatch.class);
        if (mismatch != null) {
            return new AuthenticationException(what + ": " + scrub(mismatch.getMessage(), s) + "; connect with a name the "
                    + "certificate is made out to (in the target's URI), or give the server a certificate for "
                    + s.host(), null);
        }
        Throwable certificate = find(e, CertificateException.class);
        if (certificate != null || find(e, SSLException.class) != null && lower.contains("certif")) {
            return new AuthenticationException(what + ": the server's TLS certificate is not trusted (" + text + "); if it "
                    + "is the right server, put its certificate (or its CA's) in a PKCS#12 trust store, e.g. 'keytool "
                    + "-importcert -file server.pem -keystore trust.p12 -storetype PKCS12', and give it as the option "
                    + "trustStore", null);
        }
        if (lower.contains("login") || code(lower, "530") || code(lower, "401") || lower.contains("unauthorized")
                || lower.contains("authenticat")) {
            return new AuthenticationException(what + ": the server refused the login of " + s.user().orElse("anonymous")
                    + " (" + text + ")", null);
        }
        if (code(lower, "552") || code(lower, "507") || lower.contains("no space") || lower.contains("quota")
                || lower.contains("insufficient storage") || lower.contains("disk full")) {
            return new InsufficientStorageException(what + ": the server is out of space (" + text + ")", null);
        }
        if (find(e, ConnectException.class) != null || find(e, SocketTimeoutException.class) != null
                || find(e, UnknownHostException.class) != null || find(e, SocketException.class) != null
                || lower.contains("connect") || code(lower, "421") || lower.contains("timed out")
                || code(lower, "503") || lower.contains("shut down") || lower.contains("closed")) {
            return new TargetUnavailableException(what + ": " + text, null);
        }
        if (e instanceof FileSystemException && find(e, IOException.class) != e) {
            // a lower I/O failure under VFS's message: the connection, most likely
            return new TargetUnavailableException(what + ": " + text, null);
        }
        return new StorageException(what + ": " + text);
    }

    /** Whether a three-digit FTP or HTTP status stands alone in the text. */
    private static boolean code(String text, String status) {
        return java.util.regex.Pattern.compile("(?<![0-9])" + status + "(?![0-9])").matcher(text).find();
    }

    private static String describe(Throwable e) {
        StringBuilder b = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t.getMessage() != null && !b.toString().contains(t.getMessage())) {
                b.append(": ").append(t.getMessage());
            }
        }
        return b.toString();
    }

    /** Removes the password, also in URL-encoded form. */
    static String scrub(String text, VfsSettings s) {
        String out = text;
        if (s.password().isPresent() && !s.password().get().isEmpty()) {
            String p = s.password().get();
            out = out.replace(p, "[password]").replace(java.net.URLEncoder.encode(p, java.nio.charset.StandardCharsets.UTF_8),
                    "[password]");
        }
        return out;
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
