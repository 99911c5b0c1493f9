/**
 * Unattended runs: {@link dev.heirloom.schedule.JobScheduler} runs backups, verifications and
 * prunes on cron expressions or fixed intervals, catches up once on runs missed while the
 * computer was off, never runs two jobs at once, and can start a backup when new files appear
 * in the source ({@code watch}).
 */
package dev.heirloom.schedule;
