package dev.heirloom.testservers;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Self-signed server certificates for the TLS test servers, made with {@code openssl} as an admin
 * would, and the trust store a user makes of one with the JDK's {@code keytool}.
 */
public final class TestCertificates {
    private TestCertificates() {
    }

    /**
     * Writes {@code server-cert.pem} and {@code server-key.pem} into {@code dir}: an EC certificate made out to
     * 127.0.0.1 only (subject alternative name IP:127.0.0.1), valid two days.
     *
     * @return the certificate's path
     */
    static Path selfSigned(Path dir) throws IOException, InterruptedException {
        Path cert = dir.resolve("server-cert.pem");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout",
                key(dir).toString(), "-out", cert.toString()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("openssl could not make a test certificate");
        }
        return cert;
    }

    /**
     * A PKCS#12 trust store (password {@code changeit}) holding one certificate, made with the JDK's keytool as the
     * providers' error messages tell a user to.
     */
    public static Path trustStore(Path certificate, Path store) throws IOException, InterruptedException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-importcert", "-noprompt", "-alias", "server", "-file",
                certificate.toString(), "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", "changeit")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException("keytool failed: " + out);
        }
        return store;
    }

    /** The private key {@link #selfSigned} wrote. */
    static Path key(Path dir) {
        return dir.resolve("server-key.pem");
    }
}
