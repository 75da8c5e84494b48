"""Analysis: weekly statistics, emerging terms, spikes and coordination."""
