/** DetectFaces' answer: boxes and confidence, and emotions when EMOTIONS or ALL is asked for. */
import type { DetectFacesResponse, EmotionName } from '@aws-sdk/client-rekognition';
import type { FaceDetection } from './detections.ts';
import type { FaceOptions } from './requests.ts';

/** The emotion model's classes by Rekognition's emotion types ("neutral" is Rekognition's CALM). */
const EMOTIONS: Record<string, EmotionName> = {
  angry: 'ANGRY',
  disgust: 'DISGUSTED',
  fear: 'FEAR',
  happy: 'HAPPY',
  sad: 'SAD',
  surprise: 'SURPRISED',
  neutral: 'CALM',
};

/** Rekognition answers for the 100 largest faces. */
const MAX_FACES = 100;

export function facesResponse(faces: FaceDetection[], options: FaceOptions): DetectFacesResponse {
  const largest = [...faces].sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height).slice(0, MAX_FACES);
  return {
    FaceDetails: largest.map((face) => ({
      BoundingBox: { Width: face.box.width, Height: face.box.height, Left: face.box.left, Top: face.box.top },
      Confidence: face.score * 100,
      ...(options.emotions ? { Emotions: emotions(face) } : {}),
    })),
  };
}

/** Every type the model knows, most confident first; those it did not report at 0. */
function emotions(face: FaceDetection): { Type: EmotionName; Confidence: number }[] {
  const scores = new Map(face.emotions.map((e) => [e.emotion, e.score]));
  return Object.entries(EMOTIONS)
    .map(([emotion, Type]) => ({ Type, Confidence: (scores.get(emotion) ?? 0) * 100 }))
    .sort((a, b) => b.Confidence - a.Confidence);
}
