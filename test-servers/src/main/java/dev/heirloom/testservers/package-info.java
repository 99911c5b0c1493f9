/**
 * Real servers for provider tests, started on loopback by the tests themselves. A missing server
 * binary fails the test with the command that installs it; nothing is skipped.
 */
package dev.heirloom.testservers;
