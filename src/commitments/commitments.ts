import { CommitmentService } from './commitment.service.js';
import type { CommitmentDeps } from './commitments.context.js';
import { RatificationService } from './ratification.service.js';

export type { CommitmentDeps } from './commitments.context.js';

/** The commitments domain's services: pledges, deliveries, amendments, summaries; ratification. */
export interface CommitmentServices {
  commitments: CommitmentService;
  ratification: RatificationService;
}

/** Builds the commitments services over their dependencies. */
export function createCommitmentServices(deps: CommitmentDeps): CommitmentServices {
  return { commitments: new CommitmentService(deps), ratification: new RatificationService(deps) };
}
