// The journeys, in the order they run (later ones may rely on earlier ones' data).
import { bookkeeperWritesAndApproverPosts } from './four-eyes.mjs';

export const JOURNEYS = {
	'a bookkeeper writes a draft, cannot post it; an approver posts it; the trial balance shows it': bookkeeperWritesAndApproverPosts,
};
