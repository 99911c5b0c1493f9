package dev.heirloom.testservers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Password hashes for the servers' password files, made by {@code openssl passwd}. */
final class PasswordHashes {
    private PasswordHashes() {
    }

    /**
     * @param scheme {@code -apr1} (Apache), {@code -1} (MD5-crypt, which crypt(3) reads)
     */
    static String openssl(String scheme, String password) throws IOException, InterruptedException {
        Process hash = new ProcessBuilder("openssl", "passwd", scheme, password).start();
        String hashed = new String(hash.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        if (hash.waitFor() != 0 || hashed.isEmpty()) {
            throw new IllegalStateException("openssl could not hash the test password");
        }
        return hashed;
    }
}
