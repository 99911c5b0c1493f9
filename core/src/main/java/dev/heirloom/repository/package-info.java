/**
 * The repository format kept on every target: {@code heirloom.json}, content-addressed
 * {@code objects/}, Merkle {@code trees/}, small {@code snapshots/}. Specified in
 * {@code docs/format.md}.
 */
package dev.heirloom.repository;
