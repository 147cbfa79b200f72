// XRDAugment: what makes a simulated pattern look measured — background, counting noise, and (later)
// strain, mixtures and impurities. Everything random is seeded and deterministic.
