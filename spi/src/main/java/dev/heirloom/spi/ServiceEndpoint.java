package dev.heirloom.spi;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * An HTTP service's endpoint as providers take it from options, and the canonical location of a
 * place on such a service ({@link StorageTargetProvider#location}): one form for every spelling of
 * the same place (host in lower case, default port written out, no trailing slash).
 */
public final class ServiceEndpoint {
    private ServiceEndpoint() {
    }

    /**
     * Parses an {@code http://} or {@code https://} URL with a host and no user info.
     *
     * @param what names the value in the error (an option name); the value itself is never quoted,
     *             since a URL may carry a token
     * @throws InvalidConfigException when it is not such a URL
     */
    public static URI parse(String value, String what) {
        URI uri;
        try {
            uri = new URI(value.trim());
        } catch (URISyntaxException e) {
            throw new InvalidConfigException(what + " is not a URL (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new InvalidConfigException(what + " must be an http:// or https:// URL with a host");
        }
        if (uri.getUserInfo() != null) {
            throw new InvalidConfigException("put no credentials in " + what + "; give them as options of their own");
        }
        return uri;
    }

    /**
     * The canonical location {@code scheme://host:port/<endpoint path>/<path>} of a place on a
     * service endpoint.
     *
     * @param path the place's path on the service, starting with {@code /} (bucket or container and prefix)
     */
    public static URI location(String scheme, URI endpoint, String path) {
        int port = endpoint.getPort() > 0 ? endpoint.getPort()
                : endpoint.getScheme().equalsIgnoreCase("https") ? 443 : 80;
        String base = endpoint.getPath() == null ? "" : endpoint.getPath().replaceAll("/+$", "");
        try {
            return new URI(scheme, null, endpoint.getHost().toLowerCase(Locale.ROOT), port, base + path, null, null);
        } catch (URISyntaxException e) {
            throw new InvalidConfigException("no location for " + path + " on " + endpoint.getHost() + ": "
                    + e.getReason());
        }
    }
}
