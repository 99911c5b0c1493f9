package dev.heirloom.spi;

import java.util.List;

/**
 * Opens targets for one URI scheme. Registered through {@link java.util.ServiceLoader}
 * ({@code META-INF/services/dev.heirloom.spi.StorageTargetProvider}); must have a public
 * no-argument constructor and be cheap to construct (no I/O until {@link #open}).
 */
public interface StorageTargetProvider {

    /** The URI scheme served, lowercase, e.g. {@code file}, {@code sftp}, {@code gs}. */
    String scheme();

    /** The options {@link #open} understands; secrets are marked. */
    List<OptionSpec> options();

    /**
     * Opens a target. May connect to check credentials and reachability.
     *
     * @throws InvalidConfigException     for a URI or options that can never work
     * @throws AuthenticationException    when credentials are refused
     * @throws TargetUnavailableException when the target cannot be reached now
     */
    StorageTarget open(TargetConfig config);
}
