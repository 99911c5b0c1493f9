package dev.heirloom.provider.vfs;

import org.apache.http.conn.ssl.DefaultHostnameVerifier;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

/**
 * Trusts a server's certificate only when its chain is trusted and it is made out to the host
 * the target names: Commons Net's FTPS client checks the chain through the trust manager it is
 * given but never the host name, so any trusted certificate (one for another site, say) would
 * otherwise do. The name is matched as HTTPS clients match it (RFC 2818/6125: subject alternative
 * names, one wildcard label, IP addresses), by Apache HttpClient's verifier.
 */
final class HostCheckingTrustManager extends X509ExtendedTrustManager {
    private static final DefaultHostnameVerifier VERIFIER = new DefaultHostnameVerifier();

    /** A trusted certificate made out to another name than the one connected to. */
    static final class HostMismatch extends CertificateException {
        private static final long serialVersionUID = 1L;

        HostMismatch(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final X509TrustManager chain;
    private final String host;

    /**
     * @param chain checks the certificate chain
     * @param host  the host name or address the target's URI gives
     */
    HostCheckingTrustManager(X509TrustManager chain, String host) {
        this.chain = chain;
        this.host = host;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] certificates, String authType) throws CertificateException {
        chain.checkServerTrusted(certificates, authType);
        checkHost(certificates);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] certificates, String authType, Socket socket)
            throws CertificateException {
        if (chain instanceof X509ExtendedTrustManager extended) {
            extended.checkServerTrusted(certificates, authType, socket);
        } else {
            chain.checkServerTrusted(certificates, authType);
        }
        checkHost(certificates);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] certificates, String authType, SSLEngine engine)
            throws CertificateException {
        if (chain instanceof X509ExtendedTrustManager extended) {
            extended.checkServerTrusted(certificates, authType, engine);
        } else {
            chain.checkServerTrusted(certificates, authType);
        }
        checkHost(certificates);
    }

    private void checkHost(X509Certificate[] certificates) throws CertificateException {
        if (certificates == null || certificates.length == 0) {
            throw new CertificateException("the server sent no certificate");
        }
        try {
            VERIFIER.verify(host, certificates[0]);
        } catch (SSLException e) {
            throw new HostMismatch("the server's certificate is not made out to " + host + " (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] certificates, String authType) throws CertificateException {
        throw new CertificateException("this trust manager checks servers only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] certificates, String authType, Socket socket)
            throws CertificateException {
        checkClientTrusted(certificates, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] certificates, String authType, SSLEngine engine)
            throws CertificateException {
        checkClientTrusted(certificates, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return chain.getAcceptedIssuers();
    }
}
