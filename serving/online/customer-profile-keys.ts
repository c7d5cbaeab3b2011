import type { OnlineFeatures } from './online-features.ts';

/** The cache keys of what is cached about one customer (kind `profile`): their segmentation features, their country. */
export const customerFeaturesKey = (customerId: number) => `customer-features:${customerId}`;
export const customerCountryKey = (customerId: number) => `country:${customerId}`;

/** Drops everything cached about a customer: on erasure, nothing of theirs may be answered from the cache again. */
export async function forgetCustomer(online: OnlineFeatures, customerId: number): Promise<void> {
  await Promise.all([online.forget('profile', customerFeaturesKey(customerId)), online.forget('profile', customerCountryKey(customerId))]);
}
