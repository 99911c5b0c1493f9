package dev.heirloom.provider.vfs;

import dev.heirloom.spi.AuthenticationException;
import dev.heirloom.spi.BulkInputStream;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.InsufficientStorageException;
import dev.heirloom.spi.StorageException;
import dev.heirloom.spi.TargetUnavailableException;
import dev.heirloom.spi.WriteVerifier;

import javax.net.ssl.SSLContext;
import java.io.FilterInputStream;
import java.util.concurrent.atomic.AtomicBoolean;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Streams a WebDAV upload with the JDK's HTTP client: Commons VFS 2.10's WebDAV output stream holds
 * the whole file in memory before its PUT (a video of some gigabytes would not fit). Certificates
 * are checked against the target's trust (the JVM's, or its trust store) and host names by the JDK
 * client and by that trust manager.
 */
final class WebdavPut {
    private final HttpClient http;
    private final VfsSettings settings;
    private final String base;

    /** @param tls the target's TLS context over HTTPS (null over HTTP) */
    WebdavPut(VfsSettings settings, SSLContext tls) {
        this.settings = settings;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER);
        if (tls != null) {
            // the same trust as the rest of the target: the JVM's certificates or the trust store, and the host
            // name (the JDK client also checks it)
            b.sslContext(tls);
        }
        this.http = b.build();
        this.base = (settings.protocol().equals("webdav4s") ? "https://" : "http://") + settings.host()
                + (settings.port() > 0 ? ":" + settings.port() : "") + encodePath(settings.path());
    }

    /** Percent-encodes each segment of a path as UTF-8, keeping only unreserved characters. */
    static String encodePath(String path) {
        StringBuilder out = new StringBuilder();
        for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c == '/' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    /** PUTs the content at {@code relative} (under the repository folder), every byte passing the verifier. */
    void put(String what, String relative, ContentSource content, WriteVerifier verifier) throws IOException {
        AtomicBoolean ended = new AtomicBoolean(); // the content was read to its end (or past its declared size)
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/" + encodePath(relative)))
                .timeout(settings.readTimeout().multipliedBy(10))
                .PUT(content.size() == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> {
                            try {
                                return verified(content.open(), verifier, content.size(), ended);
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        }), content.size()));
        if (settings.user().isPresent()) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((settings.user().get() + ":"
                    + settings.password().orElse("")).getBytes(StandardCharsets.UTF_8)));
        }
        HttpResponse<Void> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException(what + ": interrupted");
        } catch (IOException e) {
            if (ended.get()) {
                verifier.verify(); // the content's own fault (too many or too few bytes) is said as such
            }
            throw e; // the connection's: TLS refused, server gone
        }
        int status = response.statusCode();
        if (status == 401 || status == 403) {
            throw new AuthenticationException(what + ": the server refused the login of "
                    + settings.user().orElse("anonymous") + " (HTTP " + status + ")", null);
        }
        if (status == 507) {
            throw new InsufficientStorageException(what + ": the server is out of space (HTTP 507)", null);
        }
        if (status >= 500 || status == 408 || status == 429) {
            throw new TargetUnavailableException(what + ": HTTP " + status, null);
        }
        if (status < 200 || status >= 300) {
            throw new StorageException(what + ": the server answered the upload with HTTP " + status);
        }
    }

    /** The content as sent: hashed and counted, and never more than declared. */
    private static InputStream verified(InputStream in, WriteVerifier verifier, long size, AtomicBoolean ended) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                return BulkInputStream.readOne(this);
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n < 0) {
                    ended.set(true);
                }
                if (n > 0) {
                    verifier.update(b, off, n);
                    if (verifier.length() > size) {
                        ended.set(true);
                        throw new IOException("the content has more bytes than its declared " + size);
                    }
                }
                return n;
            }
        };
    }
}
