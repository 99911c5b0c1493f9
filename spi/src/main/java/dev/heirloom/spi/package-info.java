/**
 * The storage provider interface: what a plugin implements so that Heirloom can keep a
 * repository on a new kind of storage.
 *
 * <p>A provider is a {@link dev.heirloom.spi.StorageTargetProvider} registered with
 * {@link java.util.ServiceLoader} (a {@code META-INF/services} entry). It opens
 * {@link dev.heirloom.spi.StorageTarget}s: flat key/value object stores with atomic writes.
 * Providers classify errors into the {@link dev.heirloom.spi.StorageException} tree and never
 * retry on their own; Heirloom's core wraps every target in retry and concurrency decorators.
 * This package depends on nothing else in Heirloom.
 */
package dev.heirloom.spi;
