/**
 * The storage provider interface: what a plugin implements so that Heirloom can keep a
 * repository on a new kind of storage.
 *
 * <p>A provider is a {@link dev.heirloom.spi.StorageTargetProvider} registered with
 * {@link java.util.ServiceLoader} (a {@code META-INF/services} entry). It opens
 * {@link dev.heirloom.spi.StorageTarget}s: flat key/value object stores with atomic writes.
 * Providers classify errors into the {@link dev.heirloom.spi.StorageException} tree; Heirloom's
 * core wraps every target in a concurrency limit and retries transient errors, unless the
 * provider declares {@link dev.heirloom.spi.Capabilities#retriesInternally()} because its own
 * client already retries (then core adds none, so retries never stack). This package depends on
 * nothing else in Heirloom (artifact {@code heirloom-spi}, module {@code dev.heirloom.spi}).
 */
package dev.heirloom.spi;
