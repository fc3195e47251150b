/**
 * DetectModerationLabels' answer from nsfwjs's five classes, mapped onto Rekognition's moderation
 * taxonomy (version 7): a top-level label and, where the class says more, a second-level label
 * under it, each with the class probability as confidence.
 */
import type { DetectModerationLabelsResponse, ModerationLabel } from '@aws-sdk/client-rekognition';
import type { ModerationScores } from './detections.ts';
import type { ModerationOptions } from './requests.ts';

export const MODERATION_MODEL_VERSION = '7.0';

/** nsfwjs class -> [level 1, level 2?]; Drawing and Neutral are not moderation findings. */
const TAXONOMY: Record<string, [string, string?]> = {
  Porn: ['Explicit', 'Explicit Nudity'],
  Hentai: ['Explicit', 'Explicit Sexual Activity'],
  Sexy: ['Swimwear or Underwear'],
};

export function moderationResponse(scores: ModerationScores, options: ModerationOptions): DetectModerationLabelsResponse {
  const labels = new Map<string, Required<Pick<ModerationLabel, 'Name' | 'ParentName' | 'Confidence' | 'TaxonomyLevel'>>>();
  const add = (name: string, parent: string, level: number, confidence: number) => {
    const known = labels.get(name);
    if (!known || known.Confidence < confidence) labels.set(name, { Name: name, ParentName: parent, Confidence: confidence, TaxonomyLevel: level });
  };
  for (const [className, probability] of Object.entries(scores)) {
    const path = TAXONOMY[className];
    const confidence = probability * 100;
    if (!path || confidence < options.minConfidence) continue;
    const [top, second] = path;
    add(top, '', 1, confidence);
    if (second) add(second, top, 2, confidence);
  }
  return {
    ModerationLabels: [...labels.values()].sort((a, b) => b.Confidence - a.Confidence),
    ModerationModelVersion: MODERATION_MODEL_VERSION,
  };
}
