package dev.heirloom.testservers;

import java.io.IOException;
import java.nio.file.Path;

/** Self-signed server certificates for the TLS test servers, made with {@code openssl} as an admin would. */
final class TestCertificates {
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

    /** The private key {@link #selfSigned} wrote. */
    static Path key(Path dir) {
        return dir.resolve("server-key.pem");
    }
}
