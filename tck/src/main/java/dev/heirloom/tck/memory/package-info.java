/**
 * An in-memory storage target ({@code mem://name}): the reference implementation of the SPI,
 * for tests and demos. Nothing survives the JVM.
 */
package dev.heirloom.tck.memory;
