/** Finding providers, opening targets, and the decorators core wraps around every target. */
package dev.heirloom.storage;
