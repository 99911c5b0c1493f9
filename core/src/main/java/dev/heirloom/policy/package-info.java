/** The 3-2-1 rule and its variants: media, sites, policies and compliance reports. */
package dev.heirloom.policy;
