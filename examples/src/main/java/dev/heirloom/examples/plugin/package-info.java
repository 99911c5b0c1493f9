/**
 * A storage provider written outside Heirloom's own modules: it sees only the {@code dev.heirloom.spi}
 * package, registers itself through {@code META-INF/services}, and proves itself with the TCK.
 */
package dev.heirloom.examples.plugin;
